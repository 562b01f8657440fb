"""HTTP and WebSocket route handlers: short functions that call stores and the core."""
