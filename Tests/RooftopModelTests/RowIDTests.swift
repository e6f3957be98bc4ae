import Foundation
import RooftopModel
import Testing

/// SplitMix64: a seeded generator, so the random bits of a UUIDv7 are reproducible.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Always returns the same word (all zero or all one bits), to test the extremes of the random part.
struct ConstantGenerator: RandomNumberGenerator {
    let value: UInt64
    mutating func next() -> UInt64 { value }
}

@Suite("RowID")
struct RowIDTests {
    static let instants: [UInt64] = [0, 1, 1_796_083_200_000, 0xFFFF_FFFF_FFFF]

    @Test(arguments: instants)
    func v7CarriesVersion7VariantAndTheTimeInItsFirst48Bits(milliseconds: UInt64) {
        var generator = SeededGenerator(seed: milliseconds)
        for _ in 0..<50 {
            let id = RowID.v7(milliseconds: milliseconds, using: &generator)
            let b = id.bytes
            #expect(b[6] >> 4 == 0x7)
            #expect(b[8] >> 6 == 0b10)
            let time = b[0..<6].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
            #expect(time == milliseconds)
            let text = Array(id.string)
            #expect(text[14] == "7")
            #expect("89ab".contains(text[19]))
        }
    }

    @Test(arguments: [UInt64.min, UInt64.max])
    func v7VersionAndVariantHoldWhateverTheRandomBits(word: UInt64) {
        var generator = ConstantGenerator(value: word)
        let b = RowID.v7(milliseconds: 1_796_083_200_000, using: &generator).bytes
        #expect(b[6] >> 4 == 0x7)
        #expect(b[8] >> 6 == 0b10)
    }

    @Test func idCreatedInALaterMillisecondSortsLaterWhateverItsRandomBits() {
        var high = ConstantGenerator(value: .max)
        var low = ConstantGenerator(value: .min)
        let t: UInt64 = 1_796_083_200_000
        let earlier = RowID.v7(milliseconds: t, using: &high)
        let later = RowID.v7(milliseconds: t + 1, using: &low)
        #expect(earlier < later)
        // SQLite orders ids as text: the lower-case form must sort the same way.
        #expect(earlier.string < later.string)
    }

    @Test func idsSortByCreationTimeAsBytesAndAsText() {
        var generator = SeededGenerator(seed: 42)
        let times: [UInt64] = (0..<200).map { 1_700_000_000_000 + UInt64($0) * 37 }
        let ids = times.shuffled(using: &generator).map { RowID.v7(milliseconds: $0, using: &generator) }
        let byTime = ids.sorted { $0.bytes.prefix(6).lexicographicallyPrecedes($1.bytes.prefix(6)) }
        #expect(ids.sorted() == byTime)
        #expect(ids.sorted().map(\.string) == ids.map(\.string).sorted())
    }

    @Test func sameSeedGivesTheSameV7AndAnotherSeedAnother() {
        var a = SeededGenerator(seed: 7)
        var b = SeededGenerator(seed: 7)
        var c = SeededGenerator(seed: 8)
        let t: UInt64 = 1_796_083_200_000
        #expect(RowID.v7(milliseconds: t, using: &a) == RowID.v7(milliseconds: t, using: &b))
        #expect(RowID.v7(milliseconds: t, using: &a) != RowID.v7(milliseconds: t, using: &c))
    }

    @Test func systemV7IdsInOneMillisecondAreDistinct() {
        let ids = (0..<1000).map { _ in RowID.v7(milliseconds: 1_796_083_200_000) }
        #expect(Set(ids).count == 1000)
    }

    @Test func v8FromADigestIsVersion8AndKeepsTheOtherDigestBits() {
        let digest: [UInt8] = (0..<32).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }
        let id = RowID.v8(digest: digest)
        let b = id.bytes
        #expect(b[6] >> 4 == 0x8)
        #expect(b[8] >> 6 == 0b10)
        #expect(b[6] & 0x0F == digest[6] & 0x0F)
        #expect(b[8] & 0x3F == digest[8] & 0x3F)
        for i in 0..<16 where i != 6 && i != 8 { #expect(b[i] == digest[i]) }
        #expect(Array(id.string)[14] == "8")
    }

    @Test func v8IsAFunctionOfTheDigest() {
        let one = [UInt8](repeating: 0xAB, count: 32)
        var other = one
        other[3] = 0x00
        #expect(RowID.v8(digest: one) == RowID.v8(digest: one))
        #expect(RowID.v8(digest: one) != RowID.v8(digest: other))
        // Only the first 16 bytes are used.
        var tail = one
        tail[20] = 0
        #expect(RowID.v8(digest: one) == RowID.v8(digest: tail))
    }

    @Test func stringRoundTripsAndIsLowerCase() throws {
        var generator = SeededGenerator(seed: 1)
        for _ in 0..<100 {
            let id = RowID.v7(milliseconds: 1_796_083_200_000, using: &generator)
            #expect(id.string == id.string.lowercased())
            #expect(id.string.count == 36)
            #expect(RowID(id.string) == id)
            #expect(RowID(id.string.uppercased()) == id)
            #expect(RowID(bytes: id.bytes) == id)
        }
        let parsed = try #require(RowID("0190A1B2-C3D4-7E5F-8A6B-7C8D9E0F1A2B"))
        #expect(parsed.string == "0190a1b2-c3d4-7e5f-8a6b-7c8d9e0f1a2b")
        #expect(parsed.description == parsed.string)
    }

    @Test(arguments: [
        "",
        "not-a-uuid",
        "0190a1b2c3d47e5f8a6b7c8d9e0f1a2b",  // no hyphens
        "{0190a1b2-c3d4-7e5f-8a6b-7c8d9e0f1a2b}",
        "0190a1b2-c3d4-7e5f-8a6b-7c8d9e0f1a2",  // 35 characters
        "0190a1b2-c3d4-7e5f-8a6b-7c8d9e0f1a2bc",
        "0190a1b2-c3d4-7e5f-8a6b-7c8d9e0f1a2g",
    ])
    func malformedIdsAreRejected(text: String) {
        #expect(RowID(text) == nil)
    }

    /// The hand-written hex codec agrees with Foundation's on random ids, and on near-miss text.
    @Test func stringFormAgreesWithFoundationUUID() {
        var generator = SeededGenerator(seed: 9)
        for _ in 0..<2_000 {
            let bytes = (0..<16).map { _ in UInt8.random(in: 0...255, using: &generator) }
            let id = RowID(bytes: bytes)!
            #expect(id.string == id.uuid.uuidString.lowercased())
            #expect(RowID(id.string)?.uuid == UUID(uuidString: id.string))
            var mutated = Array(id.string.utf8)
            mutated[Int.random(in: 0..<36, using: &generator)] = [UInt8(ascii: "-"), UInt8(ascii: "x"), UInt8(ascii: "F"), UInt8(ascii: " ")]
                .randomElement(using: &generator)!
            let text = String(decoding: mutated, as: UTF8.self)
            // Stricter than Foundation, which lets `%2hhx` skip a space or read one digit before a dash.
            let strict = text.utf8.enumerated().allSatisfy { i, c in
                [8, 13, 18, 23].contains(i) ? c == UInt8(ascii: "-") : (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66)
            }
            #expect(RowID(text)?.uuid == (strict ? UUID(uuidString: text) : nil), "\(text)")
        }
    }

    @Test func onlySixteenBytesMakeAnId() {
        #expect(RowID(bytes: [UInt8](repeating: 1, count: 15)) == nil)
        #expect(RowID(bytes: [UInt8](repeating: 1, count: 17)) == nil)
        #expect(RowID(bytes: [UInt8](repeating: 1, count: 16)) != nil)
    }

    @Test func codableUsesTheLowerCaseString() throws {
        let id = try #require(RowID("0190A1B2-C3D4-7E5F-8A6B-7C8D9E0F1A2B"))
        let data = try JSONEncoder().encode([id])
        #expect(String(decoding: data, as: UTF8.self) == #"["0190a1b2-c3d4-7e5f-8a6b-7c8d9e0f1a2b"]"#)
        #expect(try JSONDecoder().decode([RowID].self, from: data) == [id])
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode([RowID].self, from: Data(#"["nope"]"#.utf8))
        }
    }
}
