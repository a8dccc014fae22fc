"""The gateway (Nginx) for real, in front of stand-in upstreams: each target's configuration and behaviour."""
