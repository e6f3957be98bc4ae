import RooftopReplication
import Synchronization

/// A wall clock that only moves when told to, for deterministic HLC and skew tests.
public final class ManualWallClock: WallClock {
    private let now: Mutex<UInt64>

    /// - Parameter milliseconds: the initial Unix time in ms (default 2026-12-01T00:00:00Z).
    public init(milliseconds: UInt64 = 1_796_083_200_000) { self.now = Mutex(milliseconds) }

    public func nowMilliseconds() -> UInt64 { now.withLock { $0 } }

    /// Moves the clock forward (or back, with a negative step) by `milliseconds`.
    public func advance(by milliseconds: Int64) {
        now.withLock { $0 = UInt64(Int64($0) + milliseconds) }
    }

    /// Sets the clock.
    public func set(_ milliseconds: UInt64) { now.withLock { $0 = milliseconds } }
}
