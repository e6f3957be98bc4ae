import Foundation
import RooftopTesting
import RooftopWire
import Testing

/// Streamed file compression (the hub's snapshots): standard frames the `zstd` command reads, and
/// every damaged file rejected with a decoder error.
@Suite struct ZstdFileTests {
    /// 3 MiB of mixed bytes: several 1 MiB input chunks and many output chunks.
    static func sample() -> Data {
        var generator = SplitMix64(seed: 7)
        var bytes = [UInt8](repeating: 0, count: 3 << 20)
        for i in bytes.indices {
            let random = UInt8(truncatingIfNeeded: generator.next())
            bytes[i] = i % 16 == 0 ? random : UInt8((i / 64) % 251)
        }
        return Data(bytes)
    }

    @Test func aCompressedFileIsOneFrameTheZstdCommandDecodesAndItRoundTrips() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let plain = directory.url.appendingPathComponent("plain"), frame = directory.url.appendingPathComponent("plain.zst")
        let back = directory.url.appendingPathComponent("back")
        let original = Self.sample()
        try original.write(to: plain)
        var observed = 0
        let size = try Zstd.compressFile(at: plain, to: frame, workers: 2) { observed += $0.count }
        let onDisk = try Data(contentsOf: frame).count
        #expect(size == observed && size == onDisk && size < original.count)
        #expect(try Zstd.decompressFile(at: frame, to: back, limit: 1 << 30) == original.count)
        #expect(try Data(contentsOf: back) == original)
        let process = try ChildProcess.spawn("/usr/bin/env", ["zstd", "-q", "-t", frame.path])  // test integrity, checksum included
        #expect(process.terminationStatus == 0)
    }

    @Test func damagedFilesAreRejected() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let plain = directory.url.appendingPathComponent("plain"), frame = directory.url.appendingPathComponent("plain.zst")
        let out = directory.url.appendingPathComponent("out"), bad = directory.url.appendingPathComponent("bad.zst")
        try Self.sample().write(to: plain)
        try Zstd.compressFile(at: plain, to: frame)
        let bytes = try Data(contentsOf: frame)
        let cases: [(String, Data, ChangesetDecodingError.Code)] = [
            ("truncated", bytes.prefix(bytes.count / 2), .truncated),
            ("flipped byte", { var b = bytes; b[b.count / 2] ^= 0x55; return b }(), .notZstd),
            ("trailing bytes", bytes + Data([1, 2, 3, 4]), .malformed),
            ("not zstd", Data("SQLite format 3".utf8), .notZstd),
        ]
        for (name, data, code) in cases {
            try data.write(to: bad)
            let error = try #require(throws: ChangesetDecodingError.self, "\(name)") { try Zstd.decompressFile(at: bad, to: out, limit: 1 << 30) }
            #expect(error.code == code, "\(name): \(error)")
        }
        let tooLarge = try #require(throws: ChangesetDecodingError.self) { try Zstd.decompressFile(at: frame, to: out, limit: 1 << 20) }
        #expect(tooLarge.code == .tooLarge)
    }
}
