/// The HLC algorithm as a value: the last timestamp issued or seen, advanced by local events
/// and by received timestamps.
///
/// Persist ``last`` with every commit and restore it on open: the clock is then monotonic
/// across restarts even if wall time goes backwards.
///
/// ```swift
/// var clock = HybridLogicalClock(last: persisted, maxDriftMilliseconds: 300_000)
/// let stamp = clock.tick(wallMilliseconds: wall.nowMilliseconds())
/// ```
///
/// Counter overflow: when the counter would pass 65,535 within one millisecond, the physical
/// part advances by 1 ms and the counter restarts at 0 (the clock runs at most 1 ms ahead
/// per 65,536 events in one millisecond).
///
/// Source: Kulkarni et al., "Logical Physical Clocks" (2014), algorithm 2.
/// Specified in `sync-protocol/hlc.md`.
public struct HybridLogicalClock: Sendable, Equatable {
    /// The greatest timestamp issued or received so far.
    public private(set) var last: HLC
    /// How far ahead of local wall time a received timestamp may be, in ms (default 5 minutes).
    public let maxDriftMilliseconds: UInt64

    /// The default maximum drift: 5 minutes, in ms.
    public static let defaultMaxDriftMilliseconds: UInt64 = 300_000

    public init(last: HLC = .zero, maxDriftMilliseconds: UInt64 = defaultMaxDriftMilliseconds) {
        self.last = last
        self.maxDriftMilliseconds = maxDriftMilliseconds
    }

    /// Issues the timestamp of a local event (a write). Strictly greater than every timestamp
    /// issued or received before.
    /// - Parameter wallMilliseconds: the current Unix time in ms.
    public mutating func tick(wallMilliseconds: UInt64) -> HLC {
        let wall = min(wallMilliseconds, HLC.maxMilliseconds)
        if wall > last.milliseconds {
            last = HLC(milliseconds: wall, counter: 0)
        } else {
            last = Self.successor(of: last)
        }
        return last
    }

    /// Checks a received timestamp against the drift limit without changing the clock.
    /// - Throws: ``ClockSkewError`` when `remote` is more than ``maxDriftMilliseconds`` ahead of
    ///   `wallMilliseconds`.
    public func check(_ remote: HLC, wallMilliseconds: UInt64) throws(ClockSkewError) {
        if remote.milliseconds > wallMilliseconds, remote.milliseconds - wallMilliseconds > maxDriftMilliseconds {
            throw ClockSkewError(
                remote: remote, offsetMilliseconds: remote.milliseconds - wallMilliseconds,
                maxDriftMilliseconds: maxDriftMilliseconds)
        }
    }

    /// Merges a received timestamp: afterwards ``last`` is greater than both the previous value
    /// and `remote`. A timestamp beyond the drift limit is refused and leaves the clock as it was.
    /// - Throws: ``ClockSkewError`` (code `CLOCK_SKEW`), see ``check(_:wallMilliseconds:)``.
    @discardableResult
    public mutating func receive(_ remote: HLC, wallMilliseconds: UInt64) throws(ClockSkewError) -> HLC {
        try check(remote, wallMilliseconds: wallMilliseconds)
        let wall = min(wallMilliseconds, HLC.maxMilliseconds)
        let physical = max(wall, last.milliseconds, remote.milliseconds)
        if physical == last.milliseconds && physical == remote.milliseconds {
            last = Self.successor(of: max(last, remote))
        } else if physical == last.milliseconds {
            last = Self.successor(of: last)
        } else if physical == remote.milliseconds {
            last = Self.successor(of: remote)
        } else {
            last = HLC(milliseconds: physical, counter: 0)
        }
        return last
    }

    /// Folds a timestamp already known to be valid (for example one read back from this
    /// replica's own log) into ``last`` without a drift check.
    public mutating func observe(_ stamp: HLC) {
        if stamp > last { last = stamp }
    }

    private static func successor(of stamp: HLC) -> HLC {
        if stamp.counter == UInt16.max {
            return HLC(milliseconds: stamp.milliseconds + 1, counter: 0)
        }
        return HLC(rawValue: stamp.rawValue + 1)
    }
}

/// A received HLC is further ahead of local wall time than the allowed drift (`CLOCK_SKEW`).
///
/// The timestamp is never applied and never advances any clock; the sender keeps the change
/// in its outbox. See `sync-protocol/hlc.md#clock-skew`.
public struct ClockSkewError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The stable error code, `CLOCK_SKEW`.
    public static let code = "CLOCK_SKEW"
    /// The refused timestamp.
    public let remote: HLC
    /// How far the remote physical time is ahead of local wall time, in ms.
    public let offsetMilliseconds: UInt64
    /// The configured limit, in ms.
    public let maxDriftMilliseconds: UInt64

    public init(remote: HLC, offsetMilliseconds: UInt64, maxDriftMilliseconds: UInt64) {
        self.remote = remote
        self.offsetMilliseconds = offsetMilliseconds
        self.maxDriftMilliseconds = maxDriftMilliseconds
    }

    public var description: String {
        "CLOCK_SKEW: a timestamp is \(offsetMilliseconds) ms ahead of local time (max drift \(maxDriftMilliseconds) ms)"
    }
}
