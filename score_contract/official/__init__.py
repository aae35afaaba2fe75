"""The official server end to end: boot azmlinfsrv on loopback, send bodies, judge it."""
