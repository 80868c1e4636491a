"""Impact: durability, repairability, circularity, carbon and money, per machine and network."""
