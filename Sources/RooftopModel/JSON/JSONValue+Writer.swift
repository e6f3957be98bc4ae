import Foundation

/// Compact JSON text (RFC 8259) of a ``JSONValue``, written straight to UTF-8 bytes.
///
/// The bytes are exactly those of Foundation's `JSONEncoder` with `[.sortedKeys, .withoutEscapingSlashes]`
/// (a test holds them equal), without its `Encoder` containers, which were a third of a node's CPU
/// when it answered lists of customers: members sorted by their keys' UTF-8 bytes; whole numbers below
/// 9×10¹⁵ written as integers, other numbers as Swift's shortest round-trip form (`1e-07`, `1.5e+20`);
/// in strings `"` and `\` escaped, control characters as `\b \f \n \r \t` or `\u00XX`, everything
/// else (`/`, non-ASCII) as is.
extension JSONValue {
    /// A number JSON cannot hold (NaN or an infinity, RFC 8259 §6).
    public struct NonFiniteNumber: Error, CustomStringConvertible {
        /// The number: NaN, +∞ or −∞.
        public let value: Double
        public var description: String { "\(value) cannot be written as JSON (RFC 8259 §6)" }
    }

    /// The compact JSON text of this value, sorted keys, as UTF-8 bytes (RFC 8259).
    /// - Throws: ``NonFiniteNumber`` for NaN or an infinity anywhere in it.
    public func jsonBytes() throws -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(256)
        try write(to: &out)
        return out
    }

    /// Appends this value's compact JSON text to `out`.
    /// - Throws: ``NonFiniteNumber``.
    public func write(to out: inout [UInt8]) throws {
        switch self {
        case .null: out.append(contentsOf: "null".utf8)
        case .bool(let value): out.append(contentsOf: (value ? "true" : "false").utf8)
        case .number(let value): try Self.writeNumber(value, to: &out)
        case .string(let value): Self.writeString(value, to: &out)
        case .array(let elements):
            out.append(UInt8(ascii: "["))
            for (index, element) in elements.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                try element.write(to: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let members):
            out.append(UInt8(ascii: "{"))
            for (index, key) in Self.sortedKeys(members).enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                Self.writeString(key, to: &out)
                out.append(UInt8(ascii: ":"))
                try members[key]!.write(to: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    /// The keys in ``utf8Precedes`` order. Keys all ASCII (every field name) are sorted with `<`,
    /// which orders ASCII strings by their bytes too, without a closure per comparison (sorting was a
    /// twentieth of a node's CPU answering lists).
    static func sortedKeys(_ members: [String: JSONValue]) -> [String] {
        var keys = Array(members.keys)
        if keys.allSatisfy({ $0.utf8.allSatisfy { $0 < 0x80 } }) { keys.sort() } else { keys.sort(by: utf8Precedes) }
        return keys
    }

    /// Byte order of the keys' UTF-8 (`memcmp`, then the shorter first): the encoder's order.
    static func utf8Precedes(_ a: String, _ b: String) -> Bool {
        var a = a, b = b
        return a.withUTF8 { x in
            b.withUTF8 { y in
                let common = min(x.count, y.count)
                let order = common == 0 ? 0 : memcmp(x.baseAddress!, y.baseAddress!, common)
                return order != 0 ? order < 0 : x.count < y.count
            }
        }
    }

    static func writeNumber(_ value: Double, to out: inout [UInt8]) throws {
        guard value.isFinite else { throw NonFiniteNumber(value: value) }
        if value.rounded() == value, abs(value) < 9.0e15 {
            out.append(contentsOf: String(Int64(value)).utf8)
        } else {
            var text = value.description
            if text.hasSuffix(".0") { text.removeLast(2) }
            out.append(contentsOf: text.utf8)
        }
    }

    static let hexDigits = Array("0123456789abcdef".utf8)

    static func writeString(_ value: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        var value = value
        value.withUTF8 { bytes in
            var runStart = 0
            for (index, byte) in bytes.enumerated() where byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") {
                out.append(contentsOf: bytes[runStart..<index])
                runStart = index + 1
                switch byte {
                case UInt8(ascii: "\""): out.append(contentsOf: "\\\"".utf8)
                case UInt8(ascii: "\\"): out.append(contentsOf: "\\\\".utf8)
                case 0x08: out.append(contentsOf: "\\b".utf8)
                case 0x0C: out.append(contentsOf: "\\f".utf8)
                case 0x0A: out.append(contentsOf: "\\n".utf8)
                case 0x0D: out.append(contentsOf: "\\r".utf8)
                case 0x09: out.append(contentsOf: "\\t".utf8)
                default:
                    out.append(contentsOf: "\\u00".utf8)
                    out.append(hexDigits[Int(byte >> 4)])
                    out.append(hexDigits[Int(byte & 0x0F)])
                }
            }
            out.append(contentsOf: bytes[runStart...])
        }
        out.append(UInt8(ascii: "\""))
    }
}
