"""The devices command."""

from __future__ import annotations

import click

from broadcaster.cli import cli
from broadcaster.cli.output import console, table
from broadcaster.messages import t
from broadcaster.station import Station


@cli.command("devices")
@click.pass_obj
def devices_command(station: Station) -> None:
    """List the sound devices (to play, and to record with 'broadcaster record') and check the outputs."""
    # Imported here: sounddevice and APScheduler, which the other commands never load.
    from broadcaster.outputs.microphone import input_devices
    from broadcaster.outputs.sinks import output_devices
    from broadcaster.playout.runner import device_checks

    devices = output_devices()
    table(t("Sound devices that can play"), [t("index"), t("name"), t("channels"), t("rate")],
          [[str(d["index"]), d["name"], str(d["max_output_channels"]), f"{d['default_samplerate']:g}"]
           for d in devices])
    table(t("Sound devices that can record"), [t("index"), t("name"), t("channels"), t("rate")],
          [[str(d["index"]), d["name"], str(d["max_input_channels"]), f"{d['default_samplerate']:g}"]
           for d in input_devices()])
    missing = 0
    for name, output in station.planner.schedule().outputs.items():
        if output.file:
            console.print(t("{output}: WAV file {file}", output=name, file=output.file), markup=False)
    for check in device_checks(station.planner.schedule()):
        role = t("backup device") if check.backup else t("device")
        if check.problem:
            missing += 1
            console.print(t("{output}: {role} NOT USABLE — {reason}", output=check.output, role=role,
                            reason=check.problem), markup=False)
        else:
            console.print(t("{output}: {role} {index} '{device}' found", output=check.output, role=role,
                            index=check.index, device=check.device), markup=False)
    if missing:
        raise click.exceptions.Exit(1)
