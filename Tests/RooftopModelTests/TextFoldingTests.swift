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
