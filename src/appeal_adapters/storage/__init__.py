"""Built-in storage plugins, one module per URL scheme."""
