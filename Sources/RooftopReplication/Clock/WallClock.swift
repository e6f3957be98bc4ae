import Foundation

/// The source of physical time for a ``HybridLogicalClock``, injected so tests control it.
public protocol WallClock: Sendable {
    /// The current Unix time in milliseconds.
    func nowMilliseconds() -> UInt64
    /// A clock that only moves forward with real time and is not changed when someone sets the
    /// wall clock (Linux `CLOCK_BOOTTIME`), in ms since an arbitrary start; with ``bootID``, nil
    /// when not available. Used to tell how far the wall clock was moved since the hub's time was
    /// last measured (`sync-protocol/hlc.md#a-clock-far-ahead`).
    func monotonicMilliseconds() -> UInt64?
    /// Identifies the period in which ``monotonicMilliseconds()`` readings are comparable (Linux:
    /// `/proc/sys/kernel/random/boot_id`); nil when not available.
    var bootID: String? { get }
}

extension WallClock {
    public func monotonicMilliseconds() -> UInt64? { nil }
    public var bootID: String? { nil }
}

/// The system's real-time clock (`Date()`), with `CLOCK_BOOTTIME` as its monotonic companion.
public struct SystemWallClock: WallClock {
    public init() {}
    public func nowMilliseconds() -> UInt64 {
        UInt64(max(0, (Date().timeIntervalSince1970 * 1000).rounded(.down)))
    }

    public func monotonicMilliseconds() -> UInt64? {
        #if os(Linux)
        var spec = timespec()
        guard clock_gettime(CLOCK_BOOTTIME, &spec) == 0 else { return nil }
        return UInt64(spec.tv_sec) * 1_000 + UInt64(spec.tv_nsec) / 1_000_000
        #else
        return nil
        #endif
    }

    public var bootID: String? { Self.systemBootID }

    /// Read once per process: it changes only with a reboot.
    static let systemBootID: String? = (try? String(contentsOfFile: "/proc/sys/kernel/random/boot_id", encoding: .utf8))?
        .trimmingCharacters(in: .whitespacesAndNewlines)
}
