import Foundation
import RooftopModel
import RooftopReplication
import RooftopStore
import RooftopTesting
import RooftopWire
import Testing

/// `rooftop sync apply FILE`: every frame is checked before any is applied, so a bad file changes
/// nothing; the same file twice reports "already applied"; a replica never takes changes of its
/// own origin it did not make.
@Suite struct SyncApplyCommandLineTests {
    static var binary: String { Fixtures.rooftopExecutable }

    /// Runs `rooftop sync apply --data DIR FILE`: exit status and standard output + error.
    static func apply(_ data: URL, _ file: String) throws -> (Int32, String) {
        try ChildProcess.runToEnd(binary, ["sync", "apply", "--data", data.path, file])
    }

    static func replica(_ directory: TemporaryDirectory, _ name: String, rooftop: String) throws -> (URL, Replica) {
        let data = directory.url.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        return (data, try Replica(path: data.appendingPathComponent("replica.sqlite").path, rooftop: RooftopID(rawValue: rooftop)!))
    }

    @Test func aBadFileChangesNothingAndAGoodOneAppliesOnce() throws {
        #expect(FileManager.default.isExecutableFile(atPath: Self.binary), "build the rooftop executable first (scripts/test does)")
        let directory = try TemporaryDirectory("sync-apply")
        defer { directory.remove() }
        let (_, north) = try Self.replica(directory, "north", rooftop: "north")
        try north.createCustomer(CustomerInput(fields: ["lastName": .text("Okafor")]))
        let frame = try ChangesetCodec.encode(try north.changeset(origin: north.rooftop, after: .zero, limit: 100))
        let good = directory.path("good.changeset"), bad = directory.path("bad.changeset"), empty = directory.path("empty.changeset")
        try Data(frame).write(to: URL(fileURLWithPath: good))
        try Data(frame + (try Zstd.compress(Array("not a changeset payload".utf8)))).write(to: URL(fileURLWithPath: bad))
        try Data().write(to: URL(fileURLWithPath: empty))

        let (southData, south) = try Self.replica(directory, "south", rooftop: "south")
        let (badStatus, badOutput) = try Self.apply(southData, bad)
        #expect(badStatus != 0 && badOutput.contains("frame 2 of 2 rejected, nothing applied"), "\(badOutput)")
        #expect(try south.customerCount() == 0)
        let (emptyStatus, emptyOutput) = try Self.apply(southData, empty)
        #expect(emptyStatus != 0 && emptyOutput.contains("no changeset frames"), "\(emptyOutput)")

        let (firstStatus, first) = try Self.apply(southData, good)
        #expect(firstStatus == 0 && first.contains("applied"), "\(first)")
        #expect(try south.customerCount() == 1)
        let (againStatus, again) = try Self.apply(southData, good)
        #expect(againStatus == 0 && again.hasPrefix("already applied"), "\(again)")
        #expect(try south.digest() == north.digest())

        // An empty replica set up as north (a replaced PC) must not claim north's changes as its own.
        let (eastData, east) = try Self.replica(directory, "east", rooftop: "north")
        let (ownStatus, own) = try Self.apply(eastData, good)
        #expect(ownStatus != 0 && own.contains("never made"), "\(own)")
        #expect(try east.customerCount() == 0)
    }
}
