import Foundation
import RooftopModel
@testable import RooftopStore
import RooftopTesting
import Testing

/// The typo tier's terms: after a write, a word's one-edit variants are looked up by key instead of
/// reading the index's whole letter again; they must be exactly the terms the full read would give.
@Suite struct TypoVocabularyTests {
    /// For every pair of short words over a small alphabet: `b` is a variant of `a` exactly when
    /// `b` keeps `a`'s first letter and is one substitution, insertion, deletion or adjacent swap away.
    @Test func theVariantsAreExactlyTheWordsOneEditAwayWithTheSameFirstLetter() {
        let letters = Array("abz")
        var words: [String] = []
        for length in 1...4 {
            var current = [""]
            for _ in 0..<length { current = current.flatMap { w in letters.map { w + String($0) } } }
            words += current
        }
        for a in words where a.count >= 2 {
            let variants = Set(CustomerSearch.oneEditVariants(a))
            for b in words {
                let expected = a != b && a.first == b.first && CustomerSearch.withinOneEdit(Array(a), Array(b))
                #expect(variants.contains(b) == expected, "\(a) → \(b)")
            }
        }
        // Non-Latin words keep their own characters: a swap or a deletion is found.
        #expect(CustomerSearch.oneEditVariants("иванов").contains("ивнаов"))
        #expect(CustomerSearch.oneEditVariants("иванов").contains("иванв"))
    }

    /// A name written after the letter was cached is found with a typo through the variants, and a
    /// name deleted since is not returned: the cached terms only widen the full-text query.
    @Test func aNewTermIsFoundThroughItsVariantsWhileTheCacheIsStale() throws {
        let t = try TestReplica("north")
        defer { t.remove() }
        _ = try t.replica.createCustomer(try CustomerInput(json: ["firstName": "Ana", "lastName": "Kowalski"]))
        try t.replica.warmSearchVocabulary()
        #expect(try t.replica.searchCustomers("Kowalsky").map { $0.customer["lastName"] } == [.text("Kowalski")])
        let later = try t.replica.createCustomer(try CustomerInput(json: ["firstName": "Ola", "lastName": "Kowalczyk"]))
        // The letter k was read before Kowalczyk existed; the variants of "kowalczik" hold "kowalczyk".
        #expect(try t.replica.searchCustomers("Kowalczik").map(\.customer.id) == [later])
        _ = try t.replica.delete(CRMSchema.customer, id: later)
        #expect(try t.replica.searchCustomers("Kowalczik").isEmpty)
    }

    /// Terms of other scripts are kept as written (not folded to a–z): a Cyrillic name written after
    /// its letter was cached is found with a typo whose fix is a letter the cached terms hold.
    @Test func aNewNameInAnotherScriptIsFoundWithATypoWhileTheCacheIsStale() throws {
        let t = try TestReplica("north")
        defer { t.remove() }
        _ = try t.replica.createCustomer(try CustomerInput(json: ["firstName": "Иван", "lastName": "Павлов"]))
        try t.replica.warmSearchVocabulary()
        let petrov = try t.replica.createCustomer(try CustomerInput(json: ["firstName": "Олег", "lastName": "Петров"]))
        // "петрав" → "петров": the о is neither in the typed word nor in a–z.
        #expect(try t.replica.searchCustomers("петрав").map(\.customer.id) == [petrov])
    }
}

/// A word of letters and digits reads as a VIN first; when no VIN holds it, as a name word.
@Suite struct VINLikeNameTests {
    @Test func aNameWithDigitsThatNoVINHoldsIsFoundAsAName() throws {
        let t = try TestReplica("north")
        defer { t.remove() }
        // "garage24" is a word of the VIN alphabet (no I, O or Q) with letters and digits.
        let shop = try t.replica.createCustomer(try CustomerInput(json: ["businessName": "Garage24 Auto Body", "contactType": "Business"]))
        #expect(try t.replica.searchCustomers("garage24").map(\.customer.id) == [shop])
        #expect(try t.replica.searchCustomers("GARAGE24").map(\.customer.id) == [shop])
        #expect(try t.replica.searchCustomers("ZZ9PLUR").isEmpty)
    }
}
