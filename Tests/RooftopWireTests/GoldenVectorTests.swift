import Foundation
import RooftopModel
import RooftopReplication
import RooftopTesting
import RooftopWire
import Testing

/// Checks `sync-protocol/vectors/` against the codec. With `ROOFTOP_WRITE_VECTORS=1` it
/// rewrites them instead (`scripts/make-vectors`).
@Suite struct GoldenVectorTests {
    static let directory = Fixtures.spec("vectors")
    static var writing: Bool { ProcessInfo.processInfo.environment["ROOFTOP_WRITE_VECTORS"] == "1" }

    static func hex(_ bytes: [UInt8]) -> String {
        stride(from: 0, to: bytes.count, by: 16).map { start in
            bytes[start..<min(start + 16, bytes.count)].map { String(format: "%02x", $0) }.joined(separator: " ")
        }.joined(separator: "\n") + "\n"
    }

    static func unhex(_ text: String) -> [UInt8] {
        text.split(whereSeparator: { $0 == " " || $0 == "\n" }).map { UInt8($0, radix: 16)! }
    }

    @Test(arguments: GoldenVectors.all.map(\.name))
    func vectorDecodesToItsListedContentAndPayload(_ name: String) throws {
        let changeset = try #require(GoldenVectors.all.first { $0.name == name }).changeset
        let frameURL = Self.directory.appendingPathComponent("\(name).changeset")
        let payloadURL = Self.directory.appendingPathComponent("\(name).payload.hex")
        let jsonURL = Self.directory.appendingPathComponent("\(name).json")
        if Self.writing {
            try FileManager.default.createDirectory(at: Self.directory, withIntermediateDirectories: true)
            try Data(try ChangesetCodec.encode(changeset)).write(to: frameURL)
            try Data(Self.hex(try ChangesetCodec.encodePayload(changeset)).utf8).write(to: payloadURL)
            try (try changeset.json.encoded(pretty: true) + Data("\n".utf8)).write(to: jsonURL)
        }
        let frame = Array(try Data(contentsOf: frameURL))
        let payload = Self.unhex(try String(contentsOf: payloadURL, encoding: .utf8))
        #expect(try Zstd.decompressFrame(frame, limit: 1 << 20) == payload)
        #expect(try ChangesetCodec.encodePayload(changeset) == payload)
        let decoded = try ChangesetCodec.decode(frame)
        #expect(decoded == changeset)
        let listed = try JSONDecoder().decode(JSONValue.self, from: Data(contentsOf: jsonURL))
        #expect(decoded.json == listed)
    }

    /// `sync-protocol/vectors/bad/<CODE>-<what>.bin`: each must be rejected with that code.
    static let badFrames: [(String, @Sendable () throws -> [UInt8])] = [
        ("TRUNCATED-frame-cut-in-half", { let f = try ChangesetCodec.encode(GoldenVectors.all[0].changeset); return Array(f.prefix(f.count / 2)) }),
        ("NOT_ZSTD-plain-text", { Array("RTCS this is not compressed".utf8) }),
        ("NOT_ZSTD-corrupt-checksum", { var f = try ChangesetCodec.encode(GoldenVectors.all[0].changeset); f[f.count - 1] ^= 0xFF; return f }),
        ("BAD_MAGIC-gzip-payload", { try Zstd.compress([0x1F, 0x8B, 0x08, 0x00, 0, 0, 0, 0]) }),
        ("UNSUPPORTED_FORMAT_VERSION-version-9", {
            var p = try ChangesetCodec.encodePayload(GoldenVectors.all[2].changeset); p[5] = 9; return try Zstd.compress(p)
        }),
        ("MALFORMED-unknown-value-tag", {
            var p = try ChangesetCodec.encodePayload(GoldenVectors.all[1].changeset)
            // The first value tag follows the first field's name index; find "03" text tag of notes and make it 0x7F.
            let marker = Array("Prefers".utf8)
            let at = (0..<p.count).first { Array(p[$0..<min($0 + marker.count, p.count)]) == marker }!
            p[at - 2] = 0x7F  // tag byte precedes the 1-byte length
            return try Zstd.compress(p)
        }),
        ("MALFORMED-trailing-bytes", { try Zstd.compress(try ChangesetCodec.encodePayload(GoldenVectors.all[2].changeset) + [0]) }),
        ("MALFORMED-bytes-after-frame", { try ChangesetCodec.encode(GoldenVectors.all[2].changeset) + [0x28] }),
        ("TRUNCATED-payload-cut", { try Zstd.compress(Array(try ChangesetCodec.encodePayload(GoldenVectors.all[0].changeset).dropLast(3))) }),
    ]

    @Test(arguments: badFrames.map(\.0))
    func badFrameIsRejectedWithItsCode(_ name: String) throws {
        let url = Self.directory.appendingPathComponent("bad/\(name).bin")
        if Self.writing {
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(try Self.badFrames.first { $0.0 == name }!.1()).write(to: url)
        }
        let expected = String(name[..<name.range(of: "-")!.lowerBound])
        let bytes = Array(try Data(contentsOf: url))
        let error = try #require(throws: ChangesetDecodingError.self) { try ChangesetCodec.decode(bytes) }
        #expect(error.code.rawValue == expected)
    }

    @Test func everyFileInTheBadCorpusIsListed() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.directory.appendingPathComponent("bad").path)
        #expect(Set(files) == Set(Self.badFrames.map { "\($0.0).bin" }))
    }
}
