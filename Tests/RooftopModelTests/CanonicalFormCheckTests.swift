import Foundation
import RooftopModel
import Testing

/// The allocation-free checks a replica runs on every stored value must agree exactly with the
/// normalisers they stand in for: a value is stored-form iff normalising it returns it unchanged.
@Suite("Canonical form checks")
struct CanonicalFormCheckTests {
    /// Deterministic strings over an alphabet that hits every rule (dots, at signs, case, spaces,
    /// digits, dashes, non-ASCII).
    static func samples(alphabet: [String], count: Int, maxLength: Int, seed: UInt64) -> [String] {
        var state = seed
        func next() -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int(truncatingIfNeeded: state >> 33)
        }
        return (0..<count).map { _ in
            (0..<(next() % (maxLength + 1))).map { _ in alphabet[next() % alphabet.count] }.joined()
        }
    }

    @Test("EmailAddress.isNormalised(s) == (normalise(s) == s)")
    func emailCheckMatchesNormaliser() {
        let edge = ["a@b.c", "A@b.c", "a@b", "@b.c", "a@.b.c", "a@b.c.", "a@b..c", "a@@b.c", " a@b.c", "a..b@c.d",
                    String(repeating: "a", count: 64) + "@b.c", String(repeating: "a", count: 65) + "@b.c",
                    "a@" + String(repeating: "b", count: 250) + ".c", "a@" + String(repeating: "b", count: 249) + ".c",
                    "é@b.c", "a+tag@b-c.d", ""]
        let random = Self.samples(alphabet: ["a", "z", "0", ".", "@", "-", "+", "A", " ", "é", "_"], count: 20_000, maxLength: 9, seed: 1)
        for s in edge + random {
            #expect(EmailAddress.isNormalised(s) == (EmailAddress.normalise(s) == s), "\(s)")
        }
    }

    @Test("Timestamp.isCanonicalDate(s) == (normaliseDate(s) == s)")
    func dateCheckMatchesNormaliser() {
        let edge = ["2024-02-29", "2023-02-29", "1900-02-29", "2000-02-29", "2026-13-01", "2026-00-10", "2026-04-31",
                    "2026-4-01", " 2026-04-01", "2026-04-01 ", "２０２６-04-01", "2026/04/01", ""]
        let random = Self.samples(alphabet: ["2", "0", "1", "9", "3", "-", " ", "a", "٣"], count: 20_000, maxLength: 11, seed: 2)
        var shaped: [String] = []
        for y in [1900, 1999, 2000, 2024, 2026] {
            for m in 0...13 {
                for d in 0...32 { shaped.append(String(format: "%04d-%02d-%02d", y, m, d)) }
            }
        }
        for s in edge + random + shaped {
            #expect(Timestamp.isCanonicalDate(s) == (Timestamp.normaliseDate(s) == s), "\(s)")
        }
    }
}
