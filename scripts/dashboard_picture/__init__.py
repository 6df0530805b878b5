"""Pictures of the Grafana dashboards under deploy/grafana/dashboards, drawn from the same JSON
and the same PromQL evaluated by a Prometheus, for where no Grafana can be installed
(docs/operations.md, "Dashboard pictures without Grafana")."""
