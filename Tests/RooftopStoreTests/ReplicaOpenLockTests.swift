@testable import RooftopStore
import RooftopTesting
import Testing

/// The open lock decides whether a snapshot may be renamed over a replica file: it must be
/// exclusive only while no other open replica holds the file, and a refused upgrade must keep the
/// shared lock (with `flock(2)` it would not: the replica would become invisible to the others).
@Suite struct ReplicaOpenLockTests {
    @Test func anUpgradeIsRefusedWhileAnotherHolderExistsAndTheRefusalKeepsTheSharedLock() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.path("replica.sqlite")
        let first = try ReplicaOpenLock(path: path)
        var second: ReplicaOpenLock? = try ReplicaOpenLock(path: path)
        #expect(!first.tryExclusive())
        #expect(second?.tryExclusive() == false, "the first holder's refused upgrade dropped its shared lock")
        second = nil  // closed: the first is alone
        #expect(first.tryExclusive())
        first.share()
        let third = try ReplicaOpenLock(path: path)  // a shared lock again: does not wait
        #expect(!third.tryExclusive() && !first.tryExclusive())
    }
}
