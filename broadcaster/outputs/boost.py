"""The process that airs, and above all its threads that feed the sound devices, ask the system to run
before other work, where the system lets them: on a PC busy with other programs a feeding thread that
waits its turn lets the device run dry and a start slip, and so does one that waits for Python's lock
held by a thread of the same process that waits its turn. Never an error: without the right, things
run as they were."""

from __future__ import annotations

import os
import sys
import threading

RT_PRIORITY = 10   # Linux SCHED_RR: above every ordinary process, well below the kernel's own threads
NICE = -10         # else a higher share of the processor (the thread's own nice value on Linux)
WINDOWS_HIGHEST = 2  # THREAD_PRIORITY_HIGHEST: allowed to every user, unlike the real-time class
WINDOWS_HIGH_CLASS = 0x80  # HIGH_PRIORITY_CLASS: likewise allowed to every user


def raise_process() -> str:
    """Raise the process's priority as far as allowed, before it starts its threads (on Linux the nice
    value is the calling thread's, and the threads it starts inherit it); how: 'high', 'nice -10' or ''."""
    if sys.platform == "win32":
        try:
            import ctypes

            kernel32 = ctypes.windll.kernel32
            return "high" if kernel32.SetPriorityClass(kernel32.GetCurrentProcess(), WINDOWS_HIGH_CLASS) else ""
        except (AttributeError, OSError):
            return ""
    try:
        os.setpriority(os.PRIO_PROCESS, 0, NICE)
        return f"nice {NICE}"
    except (AttributeError, OSError):
        return ""


def raise_this_thread() -> str:
    """Raise the calling thread's priority as far as allowed; how: 'real-time', 'nice -10', 'highest'
    or '' (not allowed, or no way on this system)."""
    if sys.platform == "win32":
        try:
            import ctypes

            kernel32 = ctypes.windll.kernel32
            return "highest" if kernel32.SetThreadPriority(kernel32.GetCurrentThread(), WINDOWS_HIGHEST) else ""
        except (AttributeError, OSError):
            return ""
    if sys.platform.startswith("linux"):
        try:  # on Linux both calls act on the calling thread only
            os.sched_setscheduler(0, os.SCHED_RR, os.sched_param(RT_PRIORITY))
            return "real-time"
        except (AttributeError, OSError):
            pass
        try:
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), NICE)
            return f"nice {NICE}"
        except (AttributeError, OSError):
            return ""
    return ""  # macOS and the BSDs: setpriority would act on the whole process; left as it is
