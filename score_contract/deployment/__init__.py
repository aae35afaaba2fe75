"""What will be deployed, read from the deployment spec itself: a CLI v2 deployment YAML (managed
or Kubernetes online, or batch) or an SDK v1 inference configuration JSON, and the model laid out
as the platform mounts it."""
