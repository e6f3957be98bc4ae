/// The identity of a rooftop (or of the hub): the name in its certificate and the tie-breaker
/// of the write order `(HLC, rooftop id)`.
///
/// Form: 1–63 characters of `a-z`, `0-9` and `-`, not starting or ending with `-` (a DNS label,
/// RFC 1035 §2.3.1), so it fits a certificate common name and a file name. Ordered by its
/// UTF-8 bytes.
public struct RooftopID: RawRepresentable, Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    public let rawValue: String

    /// - Returns: nil when `rawValue` is not of the form above.
    public init?(rawValue: String) {
        let bytes = Array(rawValue.utf8)
        guard (1...63).contains(bytes.count), bytes.first != UInt8(ascii: "-"), bytes.last != UInt8(ascii: "-"),
            bytes.allSatisfy({ ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2D })
        else { return nil }
        self.rawValue = rawValue
    }

    /// The identity the hub uses for its own replica.
    public static let hub = RooftopID(rawValue: "hub")!

    public static func < (lhs: RooftopID, rhs: RooftopID) -> Bool {
        lhs.rawValue.utf8.lexicographicallyPrecedes(rhs.rawValue.utf8)
    }

    public var description: String { rawValue }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let id = RooftopID(rawValue: text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "invalid rooftop id"))
        }
        self = id
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}
