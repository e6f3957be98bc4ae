import RooftopReplication
import Synchronization

/// A wall clock that only moves when told to, for deterministic HLC and skew tests.
///
/// ``advance(by:)`` is time passing (the wall clock and the monotonic clock move together);
/// ``set(_:)`` is someone setting the computer's clock (only the wall clock moves).
public final class ManualWallClock: WallClock {
    private let state: Mutex<(wall: UInt64, monotonic: UInt64)>

    /// - Parameter milliseconds: the initial Unix time in ms (default 2026-12-01T00:00:00Z).
    public init(milliseconds: UInt64 = 1_796_083_200_000) { self.state = Mutex((milliseconds, 1_000_000)) }

    public func nowMilliseconds() -> UInt64 { state.withLock { $0.wall } }

    public func monotonicMilliseconds() -> UInt64? { state.withLock { $0.monotonic } }

    public var bootID: String? { "manual" }

    /// Time passes: moves the clock forward (or the wall clock back, with a negative step) by `milliseconds`.
    public func advance(by milliseconds: Int64) {
        state.withLock {
            $0.wall = UInt64(Int64($0.wall) + milliseconds)
            if milliseconds > 0 { $0.monotonic += UInt64(milliseconds) }
        }
    }

    /// Sets the wall clock (as a person or a wrong NTP server would): the monotonic clock stays.
    public func set(_ milliseconds: UInt64) { state.withLock { $0.wall = milliseconds } }
}
