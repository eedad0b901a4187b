"""The station's services, shared by the command line and the web pages: content and approval, rendering,
planning, playout control."""
