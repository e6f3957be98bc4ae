import Foundation
import RooftopModel
import RooftopReplication
import RooftopStore
import RooftopSync
import RooftopTesting
import RooftopWire
import Testing

/// Personal data at rest is private to its owner (issue 9, item 11): before, replicas, their
/// `-wal`/`-shm`, snapshots and saved changesets were created 0644 in 0755 folders, and private
/// keys were written 0644 and then narrowed. These run with the test process's own umask (022):
/// the modes come from how the files are created, not from the `rooftop` command's umask.
@Suite struct PrivateFilesTests {
    static func mode(_ path: String) throws -> Int {
        try #require(try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int)
    }

    @Test func aReplicaItsWalAndShmAndItsSnapshotAreCreatedOwnerOnly() throws {
        let previous = umask(0o022)
        defer { umask(previous) }
        let directory = try TemporaryDirectory("private-files")
        defer { directory.remove() }
        let path = directory.path("replica.sqlite")
        let replica = try Replica(path: path, rooftop: RooftopID(rawValue: "north")!)
        try replica.createCustomer(CustomerInput(fields: ["lastName": .text("Berry")]))
        for suffix in ["", "-wal", "-shm"] where FileManager.default.fileExists(atPath: path + suffix) {
            #expect(try Self.mode(path + suffix) == 0o600, "replica.sqlite\(suffix)")
        }
        #expect(FileManager.default.fileExists(atPath: path + "-wal"))
        _ = try replica.writeSnapshot(to: directory.path("snapshot.sqlite"))
        #expect(try Self.mode(directory.path("snapshot.sqlite")) == 0o600)
        let frame = directory.url.appendingPathComponent("snapshot.sqlite.zst")
        try Zstd.compressFile(at: URL(fileURLWithPath: directory.path("snapshot.sqlite")), to: frame)
        #expect(try Self.mode(frame.path) == 0o600)
    }

    @Test func privateKeysAreNeverReadableByOthersAndFoldersAreOwnerOnly() throws {
        let previous = umask(0o022)
        defer { umask(previous) }
        let directory = try TemporaryDirectory("private-keys")
        defer { directory.remove() }
        let certs = directory.url.appendingPathComponent("certs")
        let ca = GroupCA(directory: certs)
        try ca.initialize(groupName: "Test Group")
        try ca.issueRooftop(RooftopID(rawValue: "north")!)
        #expect(try Self.mode(certs.path) == 0o700)
        #expect(try Self.mode(certs.appendingPathComponent("ca-key.pem").path) == 0o600)
        #expect(try Self.mode(ca.paths(for: "north").key.path) == 0o600)
        #expect(try Self.mode(ca.paths(for: "north").certificate.path) == 0o644)  // public
    }

    @Test(arguments: [0, -1, 36_501])
    func certificatesThatWouldBeExpiredFromTheStartAreRefused(days: Int) throws {
        let directory = try TemporaryDirectory("certificate-days")
        defer { directory.remove() }
        let ca = GroupCA(directory: directory.url.appendingPathComponent("certs"))
        #expect(throws: CertificateError.self) { try ca.initialize(groupName: "Test Group", validityDays: days) }
        #expect(!FileManager.default.fileExists(atPath: directory.path("certs/ca-key.pem")))
        try ca.initialize(groupName: "Test Group")
        #expect(throws: CertificateError.self) { try ca.issueRooftop(RooftopID(rawValue: "north")!, validityDays: days) }
        #expect(!FileManager.default.fileExists(atPath: ca.paths(for: "north").key.path))
    }
}
