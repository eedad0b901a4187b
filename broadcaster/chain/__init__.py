"""The station's side of the province hub: joining it, and sync rounds that push the log and a heartbeat."""
