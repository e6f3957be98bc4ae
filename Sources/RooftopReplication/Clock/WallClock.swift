import Foundation

/// The source of physical time for a ``HybridLogicalClock``, injected so tests control it.
public protocol WallClock: Sendable {
    /// The current Unix time in milliseconds.
    func nowMilliseconds() -> UInt64
}

/// The system's real-time clock (`Date()`).
public struct SystemWallClock: WallClock {
    public init() {}
    public func nowMilliseconds() -> UInt64 {
        UInt64(max(0, (Date().timeIntervalSince1970 * 1000).rounded(.down)))
    }
}
