import Foundation

/// The id of a replicated row: a UUID (RFC 9562), written as 36 lower-case characters.
///
/// New rows get a UUIDv7 (RFC 9562 §5.7): 48 bits of Unix ms then random bits, so ids created
/// later sort later and SQLite's B-tree appends instead of splitting pages.
public struct RowID: Hashable, Comparable, Sendable, CustomStringConvertible, Codable {
    /// The 16 bytes of the UUID, in network order.
    public let uuid: UUID

    public init(uuid: UUID) { self.uuid = uuid }

    /// Parses `8-4-4-4-12` hex in either case; nil when malformed.
    public init?(_ string: String) {
        var string = string
        guard let uuid = string.withUTF8({ Self.parse($0) }) else { return nil }
        self.uuid = uuid
    }

    /// Exactly 36 bytes: hex digits in either case with dashes at offsets 8, 13, 18 and 23
    /// (RFC 9562 §4). Stricter than Foundation's `UUID(uuidString:)`, whose C formatted input
    /// lets a space or a one-digit group through, and without its cost: row ids are parsed on
    /// every change read.
    private static func parse(_ utf8: UnsafeBufferPointer<UInt8>) -> UUID? {
        guard utf8.count == 36 else { return nil }
        var bytes: uuid_t = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        let ok = withUnsafeMutableBytes(of: &bytes) { out -> Bool in
            var i = 0, n = 0
            func nibble(_ c: UInt8) -> UInt8? {
                switch c {
                case 0x30...0x39: c - 0x30
                case 0x61...0x66: c - 0x61 + 10
                case 0x41...0x46: c - 0x41 + 10
                default: nil
                }
            }
            while i < 36 {
                if i == 8 || i == 13 || i == 18 || i == 23 {
                    guard utf8[i] == UInt8(ascii: "-") else { return false }
                    i += 1
                    continue
                }
                guard let high = nibble(utf8[i]), let low = nibble(utf8[i + 1]) else { return false }
                out[n] = high << 4 | low
                n += 1
                i += 2
            }
            return true
        }
        return ok ? UUID(uuid: bytes) : nil
    }

    /// From 16 bytes; nil unless exactly 16.
    public init?(bytes: some Collection<UInt8>) {
        guard bytes.count == 16 else { return nil }
        let b = Array(bytes)
        self.uuid = UUID(uuid: (b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7],
                                b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]))
    }

    /// The 16 bytes, in network order.
    public var bytes: [UInt8] {
        withUnsafeBytes(of: uuid.uuid) { Array($0) }
    }

    /// The lower-case `8-4-4-4-12` form stored in SQLite and shown in JSON.
    public var string: String {
        withUnsafeBytes(of: uuid.uuid) { bytes in
            String(unsafeUninitializedCapacity: 36) { out in
                let hex: StaticString = "0123456789abcdef"
                var o = 0
                for (i, byte) in bytes.enumerated() {
                    if i == 4 || i == 6 || i == 8 || i == 10 { out[o] = UInt8(ascii: "-"); o += 1 }
                    out[o] = hex.utf8Start[Int(byte >> 4)]
                    out[o + 1] = hex.utf8Start[Int(byte & 0x0F)]
                    o += 2
                }
                return o
            }
        }
    }
    public var description: String { string }

    public static func < (lhs: RowID, rhs: RowID) -> Bool {
        lhs.bytes.lexicographicallyPrecedes(rhs.bytes)
    }

    /// A new UUIDv7 (RFC 9562 §5.7) for the given Unix time in ms.
    public static func v7(milliseconds: UInt64) -> RowID {
        var generator = SystemRandomNumberGenerator()
        return v7(milliseconds: milliseconds, using: &generator)
    }

    /// A UUIDv7 drawing its random bits from `generator` (deterministic generators give
    /// reproducible ids for fixtures and benchmarks).
    public static func v7(milliseconds: UInt64, using generator: inout some RandomNumberGenerator) -> RowID {
        var b = [UInt8](repeating: 0, count: 16)
        for i in 0..<6 { b[i] = UInt8(truncatingIfNeeded: milliseconds >> (8 * (5 - UInt64(i)))) }
        let r1 = generator.next()
        let r2 = generator.next()
        for i in 6..<16 { b[i] = UInt8(truncatingIfNeeded: (i < 11 ? r1 : r2) >> (8 * UInt64(i % 8))) }
        b[6] = 0x70 | (b[6] & 0x0F)  // version 7
        b[8] = 0x80 | (b[8] & 0x3F)  // variant 10
        return RowID(bytes: b)!
    }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let id = RowID(text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not a UUID"))
        }
        self = id
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(string)
    }
}

extension RowID {
    /// A name-based UUIDv8 (RFC 9562 §5.8) from a 32-byte digest of a stable key, so importing
    /// the same record twice gives the same id (and the second import changes nothing).
    /// - Parameter digest: at least 16 bytes (for example SHA-256 of `"febrl:rec-1-org"`).
    public static func v8(digest: some Collection<UInt8>) -> RowID {
        var b = Array(digest.prefix(16))
        b[6] = 0x80 | (b[6] & 0x0F)  // version 8
        b[8] = 0x80 | (b[8] & 0x3F)  // variant 10
        return RowID(bytes: b)!
    }
}
