import Foundation
import RooftopModel
import Testing

@Suite("PersonName")
struct PersonNameTests {
    @Test(arguments: [
        ("DANA", "Dana"),
        ("TESTER", "Tester"),
        ("eli example", "Eli Example"),
        ("mary-jane", "Mary-Jane"),
        ("o'brien", "O'Brien"),
        ("ÉLODIE DUPONT", "Élodie Dupont"),
        ("st james", "St James"),
    ])
    func namesTypedInOneCaseAreCapitalisedWordByWord(input: String, expected: String) {
        #expect(PersonName.tidy(input) == expected)
    }

    @Test(arguments: ["McDonald", "van der Berg", "José Muñoz", "DeShawn", "Ñandú-Example", "ExampleCars LLC"])
    func mixedCaseNamesAreKeptAsTyped(input: String) {
        #expect(PersonName.tidy(input) == input)
    }

    @Test func surroundingAndRepeatedWhitespaceIsCollapsed() {
        #expect(PersonName.tidy("  dana \t q  ") == "Dana Q")
        #expect(PersonName.tidy(" Ana  Example\n") == "Ana Example")
    }

    @Test(arguments: ["", "   ", "\n\t"])
    func blankNamesAreNil(input: String) {
        #expect(PersonName.tidy(input) == nil)
    }

    @Test(arguments: ["Zoe\u{0308}", "zoe\u{0308}", "ZOE\u{0308}"])
    func decomposedAccentsAreStoredPrecomposed(input: String) throws {
        let tidied = try #require(PersonName.tidy(input))
        // Compare scalars: String equality would treat the NFD and NFC forms as equal.
        #expect(Array(tidied.unicodeScalars) == Array("Zo\u{00EB}".unicodeScalars))
    }

    @Test(arguments: [
        ("José Muñoz", "José", "Muñoz"),
        ("Mary Ann van Dyke", "Mary Ann van", "Dyke"),
        ("  Internet   Sales Desk ", "Internet Sales", "Desk"),
        ("Smith, John", "John", "Smith"),
        ("Dr. María José García-López Jr.", "María José", "García-López"),
        ("John Smith, Jr.", "John", "Smith"),
    ])
    func fullNameSplitsIntoFirstWordsAndLastWord(full: String, first: String, last: String) {
        let split = PersonName.split(full: full)
        #expect(split.first == first)
        #expect(split.last == last)
    }

    @Test func oneWordFullNameIsALastName() {
        let split = PersonName.split(full: "Cher")
        #expect(split.first == nil)
        #expect(split.last == "Cher")
    }

    @Test func emptyFullNameHasNoParts() {
        let split = PersonName.split(full: "  ")
        #expect(split.first == nil)
        #expect(split.last == nil)
    }

    /// `Character(String(ch).uppercased())` traps when the upper case of a letter is two letters
    /// (ß → SS, ﬁ → FI): a lead with such a name would crash the importer.
    @Test
    func nameWhoseCapitalIsSeveralLettersDoesNotCrash() async {
        await #expect(processExitsWith: .success) {
            _ = PersonName.tidy("ßa")
        }
        await #expect(processExitsWith: .success) {
            _ = PersonName.tidy("ﬁona smith")
        }
    }
}
