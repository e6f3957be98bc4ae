import Foundation
import RooftopModel
import Testing

/// The direct writer must give exactly the bytes of `JSONEncoder` (`[.sortedKeys, .withoutEscapingSlashes]`):
/// responses, exports and hashed documents keep their bytes whichever wrote them.
@Suite("JSONValue writer")
struct JSONValueWriterTests {
    static func encoderBytes(_ value: JSONValue) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Array(try encoder.encode(value))
    }

    /// SplitMix64 (``SeededGenerator``, RowIDTests.swift) so a failure repeats.
    typealias Random = SeededGenerator

    static let pieces = ["a", "B", "z", "Z", "_", "10", "9", "é", "e\u{301}", "ß", "İ", "😀", "\u{2028}", "/", "\\", "\"", "\n", "\t",
                         "\r", "\u{8}", "\u{c}", "\u{0}", "\u{1f}", "\u{7f}", " ", "Muñoz", "O'Neil", "+13125550101", "<tag>&"]
    static let numbers: [Double] = [0, -0.0, 1, -1, 0.1, 0.5, 1e-7, 1.5e20, 123_456_789.25, 8_999_999_999_999_999, 9e15, 9.5e15,
                                    1e16, -2.75, 5e-324, .greatestFiniteMagnitude, 3.141592653589793, 1_000, 42.0]

    static func text(_ random: inout Random) -> String {
        (0..<random.below(4)).map { _ in pieces[random.below(pieces.count)] }.joined()
    }

    static func value(_ random: inout Random, depth: Int) -> JSONValue {
        switch random.below(depth > 3 ? 4 : 6) {
        case 0: return .null
        case 1: return .bool(random.below(2) == 0)
        case 2: return .number(random.below(3) == 0 ? Double(Int64(bitPattern: random.next()) >> 12) / 1_000 : numbers[random.below(numbers.count)])
        case 3: return .string(text(&random))
        case 4: return .array((0..<random.below(5)).map { _ in value(&random, depth: depth + 1) })
        default:
            var members: [String: JSONValue] = [:]
            for _ in 0..<random.below(6) { members[text(&random)] = value(&random, depth: depth + 1) }
            return .object(members)
        }
    }

    @Test func writesExactlyTheEncodersBytesForGeneratedValues() throws {
        var random = Random(seed: 20_261_206)
        for _ in 0..<3_000 {
            let value = Self.value(&random, depth: 0)
            let written = try value.jsonBytes()
            let encoded = try Self.encoderBytes(value)
            #expect(written == encoded, "\(String(decoding: written, as: UTF8.self)) vs \(String(decoding: encoded, as: UTF8.self))")
            if written != encoded { return }
            // And it reads back as the same value.
            #expect(try JSONDecoder().decode(JSONValue.self, from: Data(written)) == value.normalisedForDecoding)
        }
    }

    @Test func sortsKeysByTheirBytesAndEscapesOnlyWhatJSONRequires() throws {
        let value: JSONValue = ["b": 1, "B": 2, "a10": 3, "a9": 4, "é": 5, "1": 6, "10": 7, "2": 8, "s": "a/b\"c\\d\n\u{1}é😀"]
        #expect(String(decoding: try value.jsonBytes(), as: UTF8.self)
                == #"{"1":6,"10":7,"2":8,"B":2,"a10":3,"a9":4,"b":1,"s":"a/b\"c\\d\n\u0001é😀","é":5}"#)
        #expect(String(decoding: try JSONValue.array([0.1, 1e-7, 1.5e20, -0.0, 9.5e15, 42]).jsonBytes(), as: UTF8.self)
                == "[0.1,1e-07,1.5e+20,0,9.5e+15,42]")
    }

    @Test func refusesNumbersJSONCannotHold() {
        #expect(throws: JSONValue.NonFiniteNumber.self) { try JSONValue.array([1, .number(.nan)]).jsonBytes() }
        #expect(throws: JSONValue.NonFiniteNumber.self) { try JSONValue.object(["x": .number(.infinity)]).encoded() }
    }
}

extension JSONValue {
    /// What decoding the written text gives: `-0` reads back as 0.
    var normalisedForDecoding: JSONValue {
        switch self {
        case .number(let v) where v == 0: .number(0)
        case .array(let a): .array(a.map(\.normalisedForDecoding))
        case .object(let o): .object(o.mapValues(\.normalisedForDecoding))
        default: self
        }
    }
}

extension SeededGenerator {
    /// A number in `0..<n`.
    mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
}
