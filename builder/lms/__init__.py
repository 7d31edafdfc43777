"""Delivery through a learning management system: packages, manifests, backends."""
