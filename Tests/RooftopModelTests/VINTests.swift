import RooftopModel
import Testing

@Suite("VIN")
struct VINTests {
    @Test(arguments: [
        ("1M8GDM9AXKP042788", "1M8GDM9AXKP042788"),
        ("1m8gdm9axkp042788", "1M8GDM9AXKP042788"),
        ("1M8 GDM9A XKP042788", "1M8GDM9AXKP042788"),
        ("1M8-GDM9AX-KP042788", "1M8GDM9AXKP042788"),
        ("19xfc2f50he012345", "19XFC2F50HE012345"),
    ])
    func vinsAreUpperCasedWithoutSpacesOrHyphens(input: String, expected: String) {
        #expect(VIN.normalise(input) == expected)
    }

    @Test(arguments: [
        "",
        "1M8GDM9AXKP04278",  // 16 characters
        "1M8GDM9AXKP0427888",  // 18 characters
        "1M8GDM9AXKP04278I",  // I, O and Q are never used (ISO 3779)
        "1M8GDM9AXKP04278O",
        "1M8GDM9AXKP04278Q",
        "1M8GDM9AXKP04278*",
        "1M8GDM9AXKP0427.8",
    ])
    func malformedVINsAreRejected(input: String) {
        #expect(VIN.normalise(input) == nil)
    }

    /// 1M8GDM9AXKP042788 (the classic example of 49 CFR 565.15):
    ///
    ///     char    1  M  8  G  D  M  9  A  X  K  P  0  4  2  7  8  8
    ///     value   1  4  8  7  4  4  9  1  7  2  7  0  4  2  7  8  8
    ///     weight  8  7  6  5  4  3  2 10  0  9  8  7  6  5  4  3  2
    ///     product 8 28 48 35 16 12 18 10  0 18 56  0 24 10 28 24 16   sum 351
    ///
    /// 351 = 31 × 11 + 10, and a remainder of 10 is written X: position 9 must be X.
    ///
    /// 19XFC2F50HE012345 (the trade-in of fixtures/adf/02):
    ///
    ///     char    1  9  X  F  C  2  F  5  0  H  E  0  1  2  3  4  5
    ///     value   1  9  7  6  3  2  6  5  0  8  5  0  1  2  3  4  5
    ///     product 8 63 42 30 12  6 12 50  0 72 40  0  6 10 12 12 10   sum 385
    ///
    /// 385 = 35 × 11 + 0: position 9 must be 0.
    @Test(arguments: ["1M8GDM9AXKP042788", "19XFC2F50HE012345"])
    func vinWithTheRightCheckDigitPasses(vin: String) {
        #expect(VIN.hasValidCheckDigit(vin))
    }

    @Test(arguments: ["1M8GDM9A1KP042788", "1M8GDM9A0KP042788", "19XFC2F51HE012345", "19XFC2F5XHE012345"])
    func vinWithAWrongCheckDigitFails(vin: String) {
        #expect(!VIN.hasValidCheckDigit(vin))
    }

    @Test func onlyOneCheckCharacterFitsAVIN() {
        let candidates = "0123456789X".map { "1M8GDM9A\($0)KP042788" }
        #expect(candidates.filter(VIN.hasValidCheckDigit) == ["1M8GDM9AXKP042788"])
    }

    @Test func aTranscriptionErrorElsewhereIsCaughtByTheCheckDigit() {
        // One character mistyped (P → R at position 11) changes the sum by 2 × 8 = 16.
        #expect(!VIN.hasValidCheckDigit("1M8GDM9AXKR042788"))
    }

    @Test(arguments: ["", "1M8GDM9AXKP04278", "1M8GDM9AXKP0427888", "1M8GDM9AXKP04278O"])
    func malformedVINsHaveNoValidCheckDigit(vin: String) {
        #expect(!VIN.hasValidCheckDigit(vin))
    }
}
