"""How good a layer is: metrics on claim frames and entities (``metrics``), and a stored
layer scored against a gold file (``gold``, for ``glose eval``)."""
