import Foundation
import RooftopReplication
import RooftopStore

/// A replica in its own temporary directory, with a manual clock.
public struct TestReplica: Sendable {
    public let directory: TemporaryDirectory
    public let clock: ManualWallClock
    public let replica: Replica

    /// - Parameters:
    ///   - rooftop: the owner (default `north`).
    ///   - clock: shared with other replicas to keep them in one simulated time.
    public init(_ rooftop: String = "north", clock: ManualWallClock = ManualWallClock()) throws {
        directory = try TemporaryDirectory("rooftop-\(rooftop)")
        self.clock = clock
        replica = try Replica(path: directory.path("replica.sqlite"), rooftop: RooftopID(rawValue: rooftop)!, wallClock: clock)
    }

    public func remove() { directory.remove() }
}
