/// Vehicle identification numbers (ISO 3779): 17 characters of `0-9` and `A-Z` except I, O, Q.
public enum VIN {
    /// - Returns: the VIN upper-cased with spaces removed, or nil when it is not 17 valid characters.
    public static func normalise(_ input: String) -> String? {
        let value = input.uppercased().filter { $0 != " " && $0 != "-" }
        guard value.count == 17, value.allSatisfy({ transliteration[$0] != nil }) else { return nil }
        return value
    }

    /// True when position 9 holds the check digit of the North American scheme (49 CFR 565.15):
    /// transliterate, weight, sum, modulo 11 (10 is written `X`).
    public static func hasValidCheckDigit(_ vin: String) -> Bool {
        let chars = Array(vin)
        guard chars.count == 17, let expected = checkDigit(vin) else { return false }
        return chars[8] == expected
    }

    /// The check digit position 9 must hold (49 CFR 565.15(c)): each character transliterated,
    /// multiplied by its position's weight, summed, modulo 11; 10 is written `X`. Position 9 itself
    /// has weight 0, so any character may stand there while computing.
    /// - Returns: nil when `vin` is not 17 characters of the VIN alphabet.
    public static func checkDigit(_ vin: String) -> Character? {
        let chars = Array(vin)
        guard chars.count == 17 else { return nil }
        var sum = 0
        for (i, ch) in chars.enumerated() {
            guard let value = transliteration[ch] else { return nil }
            sum += value * weights[i]
        }
        let remainder = sum % 11
        return remainder == 10 ? "X" : Character(String(remainder))
    }

    private static let weights = [8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2]
    private static let transliteration: [Character: Int] = [
        "0": 0, "1": 1, "2": 2, "3": 3, "4": 4, "5": 5, "6": 6, "7": 7, "8": 8, "9": 9,
        "A": 1, "B": 2, "C": 3, "D": 4, "E": 5, "F": 6, "G": 7, "H": 8,
        "J": 1, "K": 2, "L": 3, "M": 4, "N": 5, "P": 7, "R": 9,
        "S": 2, "T": 3, "U": 4, "V": 5, "W": 6, "X": 7, "Y": 8, "Z": 9,
    ]
}
