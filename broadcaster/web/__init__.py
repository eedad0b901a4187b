"""The station's web dashboard (`broadcaster serve`): pages over the same library calls as the CLI."""
