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
    /// and `remote` (`successor(max(last, remote))`). A timestamp beyond the drift limit is refused
    /// and leaves the clock as it was.
    ///
    /// Unlike the paper's receive rule, the local wall time is not folded in here: a receive must
    /// never carry a wrong local clock into the persisted HLC (a rooftop whose clock runs years
    /// ahead would otherwise persist a far-future HLC by merely pulling). The next ``tick(wallMilliseconds:)``
    /// takes the wall time into account as usual (`sync-protocol/hlc.md#receive-folding-a-remote-hlc`).
    /// - Parameter wallMilliseconds: the current Unix time in ms, for the skew check only.
    /// - Throws: ``ClockSkewError`` (code `CLOCK_SKEW`), see ``check(_:wallMilliseconds:)``.
    @discardableResult
    public mutating func receive(_ remote: HLC, wallMilliseconds: UInt64) throws(ClockSkewError) -> HLC {
        try check(remote, wallMilliseconds: wallMilliseconds)
        last = Self.successor(of: max(last, remote))
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

    /// What was refused, for the receiver's log or problem detail (without the code).
    public var description: String {
        "a timestamp is \(offsetMilliseconds) ms (\(Self.human(offsetMilliseconds))) ahead of the receiver's clock (max drift \(maxDriftMilliseconds) ms)"
    }

    /// A duration in ms as people read it: `7 minutes`, `3.2 hours`, `4.5 years`.
    public static func human(_ milliseconds: UInt64) -> String {
        let seconds = Double(milliseconds) / 1_000
        for (unit, size) in [("years", 365.25 * 86_400), ("days", 86_400.0), ("hours", 3_600.0), ("minutes", 60.0)] where seconds >= size {
            let value = seconds / size
            return value < 10 ? String(format: "%.1f %@", value, unit) : "\(Int(value)) \(unit)"
        }
        return String(format: "%.1f seconds", seconds)
    }
}
