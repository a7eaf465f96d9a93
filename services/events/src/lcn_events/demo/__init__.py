"""Demo data of the events service for `lcn dev`."""
