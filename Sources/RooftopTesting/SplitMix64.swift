// The seeded generator lives with the data generator; tests and the simulator use it from here.
@_exported import struct RooftopGenerator.SplitMix64
