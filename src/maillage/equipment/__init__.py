"""Equipment: machines, their capabilities in a shared process taxonomy, imports and exports."""
