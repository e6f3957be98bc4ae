import Foundation
import RooftopModel
import Testing

@Suite struct TextFoldingTests {
    @Test(arguments: [
        ("José", "jose"), ("JOSE", "jose"), ("Jose\u{301}", "jose"), ("Muñoz", "munoz"), ("MUN\u{303}OZ", "munoz"),
        ("Zoë", "zoe"), ("Zoe\u{301}", "zoe"), ("İpek", "ipek"), ("Işık", "isik"), ("Straße", "strasse"),
        ("Łódź", "lodz"), ("Øster", "oster"), ("Ærø", "aero"), ("ＡＢＣ", "abc"), ("O'Brien-Smith", "o'brien-smith"),
    ])
    func foldsCaseDiacriticsAndCanonicalEquivalents(input: String, folded: String) {
        #expect(TextFolding.fold(input) == folded)
    }
}

@Suite struct TextFoldingASCIITests {
    /// The ASCII shortcut must fold exactly as Foundation does, or rows written before and after it
    /// would index differently: every printable ASCII character, alone and in a word.
    @Test func asciiFoldsAsFoundationDoes() {
        for byte in UInt8(0x20)...UInt8(0x7E) {
            let text = "Ab" + String(UnicodeScalar(byte)) + "Zq"
            let foundation = text.folding(options: [.caseInsensitive, .diacriticInsensitive, .widthInsensitive], locale: nil)
            #expect(TextFolding.fold(text) == foundation, "\(text)")
        }
    }
}

@Suite struct TrimmingTests {
    /// The ASCII shortcut trims exactly as Foundation does (Unicode white space included).
    @Test(arguments: ["Ann", " Ann", "Ann ", "\tAnn\n", "\u{00A0}Ann\u{2003}", "A n n", "", "   ", "\u{3000}名前\u{3000}", "José", "a\u{301}", "x\u{200B}"])
    func trimsAsFoundationDoes(text: String) {
        #expect(text.trimmedWhitespace == text.trimmingCharacters(in: .whitespacesAndNewlines))
    }
}
