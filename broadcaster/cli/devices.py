"""The devices command."""

from __future__ import annotations

import click

from broadcaster.cli import cli
from broadcaster.cli.output import console, table
from broadcaster.errors import BroadcasterError
from broadcaster.messages import t
from broadcaster.outputs.microphone import input_devices
from broadcaster.outputs.sinks import find_device, output_devices
from broadcaster.station import Station


@cli.command("devices")
@click.pass_obj
def devices_command(station: Station) -> None:
    """List the sound devices (to play, and to record with 'broadcaster record') and check the outputs."""
    devices = output_devices()
    table(t("Sound devices that can play"), [t("index"), t("name"), t("channels"), t("rate")],
          [[str(d["index"]), d["name"], str(d["max_output_channels"]), f"{d['default_samplerate']:g}"]
           for d in devices])
    table(t("Sound devices that can record"), [t("index"), t("name"), t("channels"), t("rate")],
          [[str(d["index"]), d["name"], str(d["max_input_channels"]), f"{d['default_samplerate']:g}"]
           for d in input_devices()])
    missing = 0
    for name, output in station.schedule().outputs.items():
        if output.file:
            console.print(t("{output}: WAV file {file}", output=name, file=output.file))
            continue
        try:
            index = find_device(output.device)
            console.print(t("{output}: device {index} '{device}' found", output=name, index=index,
                            device=output.device or "default"), markup=False)
        except BroadcasterError as exc:
            missing += 1
            console.print(t("{output}: MISSING — {reason}", output=name, reason=exc.message), markup=False)
    if missing:
        raise click.exceptions.Exit(1)
