import Foundation
import RooftopCRM
import RooftopModel
import RooftopReplication
import RooftopStore
import RooftopTesting
import RooftopWire
import Testing

/// Kills a real `rooftop sync apply` process (SIGKILL) at random moments and checks that the
/// replica holds exactly the frames whose transaction committed: all or nothing per changeset,
/// with the receive cursor (version vector) matching the content.
@Suite struct CrashDuringApplyTests {
    static var binary: String { Fixtures.rooftopExecutable }

    @Test func aKillDuringApplyLeavesWholeChangesetsAndAMatchingCursor() async throws {
        let directory = try TemporaryDirectory("rooftop-crash")
        defer { directory.remove() }
        #expect(FileManager.default.isExecutableFile(atPath: Self.binary), "build the rooftop executable first (scripts/test does)")
        // North: 2,000 synthetic customers → 6,000 row changes → two changeset frames.
        let north = try Replica(path: directory.path("north.sqlite"), rooftop: RooftopID(rawValue: "north")!)
        var generator = SyntheticCustomers(seed: 11)
        var writes: [LocalWrite] = []
        for i in 0..<2_000 { writes += try CRMService(replica: north).customerCreationWrites(generator.customer(index: i), id: north.newRowID()) }
        try north.write(writes)
        var frames: [[UInt8]] = [], ends: [HLC] = [.zero], cursor = HLC.zero
        while true {
            let changeset = try north.changeset(origin: north.rooftop, after: cursor, limit: 5_000)
            guard let last = changeset.maxHLC else { break }
            frames.append(try ChangesetCodec.encode(changeset))
            ends.append(last)
            cursor = last
        }
        #expect(frames.count == 2)
        let file = directory.path("north.changesets")
        try Data(frames.joined()).write(to: URL(fileURLWithPath: file))
        // The digest after each prefix of frames.
        var expected: [[TableDigest]] = []
        for prefix in 0...frames.count {
            let reference = try Replica(path: directory.path("reference-\(prefix).sqlite"), rooftop: RooftopID(rawValue: "south")!)
            for frame in frames.prefix(prefix) { try reference.apply(try ChangesetCodec.decode(frame)) }
            expected.append(try reference.digest())
        }

        var random = SplitMix64(seed: 5)
        for trial in 0..<5 {
            let data = directory.url.appendingPathComponent("south-\(trial)")
            try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
            _ = try Replica(path: data.appendingPathComponent("replica.sqlite").path, rooftop: RooftopID(rawValue: "south")!)
            let process = try ChildProcess.spawn(Self.binary, ["sync", "apply", "--data", data.path, file])
            try await Task.sleep(for: .milliseconds(Int(50 + random.next() % 700)))
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            let south = try Replica(path: data.appendingPathComponent("replica.sqlite").path, rooftop: RooftopID(rawValue: "south")!)
            let seen = try south.versionVector()[RooftopID(rawValue: "north")!]
            let committed = try #require(ends.firstIndex(of: seen), "cursor \(seen) is not at a changeset boundary")
            #expect(try south.digest() == expected[committed], "trial \(trial): content does not match \(committed) committed frame(s)")
            // Re-applying the whole file completes it exactly.
            for frame in frames { try south.apply(try ChangesetCodec.decode(frame)) }
            #expect(try south.digest() == expected[frames.count])
        }
    }
}
