"""Open designs: Open Know-How manifests, their parts and processes, who can make them nearby."""
