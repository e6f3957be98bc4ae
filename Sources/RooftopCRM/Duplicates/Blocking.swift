/// Candidate pairs: only records sharing a blocking key are compared
/// (`sync-protocol/duplicate-detection.md#blocking`). Several keys, so a pair that differs on one
/// (a typo in the surname, a new e-mail, a move) still shares another.
public enum Blocking {
    /// Blocks larger than this are not paired within (a key that common says little); their pairs
    /// are left to the other keys.
    public static let maxBlock = 100
    /// The cap of the weak keys (phonetic codes, birth date with a place, the start of a street): at
    /// a million customers their blocks are large and mostly different people.
    public static let maxWeakBlock = 25
    static let weakPrefixes: [Substring] = ["sx:", "bp:", "bc:", "sc:", "sp:", "sb:", "nc:", "np:"]

    /// The blocking keys of a record.
    public static func keys(_ r: MatchRecord) -> [String] {
        var keys: [String] = []
        if let email = r.email { keys.append("e:" + email) }
        for phone in r.phones { keys.append("p:" + phone) }
        for vin in r.vins { keys.append("v:" + vin) }
        if let surname = r.surname {
            if let postal = r.postalCode {
                // Surname and postal code: paired whole while the block is small (a weak key's cap); at a
                // million customers a common surname at one postal code is a block of dozens of different
                // people, then split by the given name's initial (a typo rarely hits the first letter).
                keys.append("np:" + surname + "|" + postal)
                if let initial = r.given?.first { keys.append("npi:" + surname + "|" + postal + "|" + String(initial)) }
            }
            if let date = r.birthDate { keys.append("nb:" + surname + "|" + date) }
        }
        if let given = r.given, let date = r.birthDate { keys.append("gb:" + given + "|" + date) }
        if let date = r.birthDate, let postal = r.postalCode { keys.append("bp:" + date + "|" + postal) }
        if let street = r.street, let postal = r.postalCode ?? r.city { keys.append("a:" + street + "|" + postal) }
        // The start of the street line (number and name) in the city, at the postal code and with the birth date: a typo
        // elsewhere in the line, in the postal code or in the city leaves one of them whole.
        if let street = r.street {
            let start = street.split(separator: " ").prefix(2).joined(separator: " ")
            if let city = r.city { keys.append("sc:" + start + "|" + city) }
            if let postal = r.postalCode { keys.append("sp:" + start + "|" + postal) }
            // … and with the birth date: typos in both names, the city and the postal code at once.
            if let date = r.birthDate { keys.append("sb:" + start + "|" + date) }
        }
        if let date = r.birthDate, let city = r.city { keys.append("bc:" + date + "|" + city) }
        if let surname = r.surname, let initial = r.given?.first, let city = r.city { keys.append("nc:" + surname + "|" + String(initial) + "|" + city) }
        // Phonetic: Soundex of both names, in either order (typos, swapped fields).
        if let code = r.surnameCode {
            if let given = r.given, let g = StringSimilarity.soundex(given) {
                keys.append("sx:" + min(code, g) + max(code, g))
            } else if r.isBusiness {
                keys.append("sx:" + code + (r.city ?? ""))
            }
        }
        return keys
    }

    /// Pairs of indices into `records` that share a key, each pair once with the lower index first,
    /// in ascending order.
    public static func candidatePairs(_ records: [MatchRecord]) -> [(Int, Int)] {
        // Keys as 64-bit FNV-1a hashes (a collision only joins two blocks: extra candidates, never a
        // lost one), one (hash, record) entry per key, sorted: each block is a run of equal hashes.
        // The top bit of the record index marks a weak key (a hash is one key, so one kind).
        let weakBit: UInt32 = 1 << 31
        var entries: [(hash: UInt64, member: UInt32)] = []
        entries.reserveCapacity(records.count * 12)
        for (index, record) in records.enumerated() {
            for key in keys(record) {
                entries.append((fnv1a(key), UInt32(index) | (isWeak(key) ? weakBit : 0)))
            }
        }
        entries.sort { $0.hash != $1.hash ? $0.hash < $1.hash : $0.member < $1.member }
        // Every pair of every block into one array, then sorted and each kept once: far cheaper than
        // a set when most pairs share one or two keys.
        var pairs: [UInt64] = []
        var start = 0
        while start < entries.count {
            var end = start + 1
            while end < entries.count && entries[end].hash == entries[start].hash { end += 1 }
            let size = end - start
            if size > 1 && size <= (entries[start].member & weakBit != 0 ? maxWeakBlock : maxBlock) {
                for i in start..<end {
                    let a = entries[i].member & ~weakBit
                    for j in (i + 1)..<end {
                        let b = entries[j].member & ~weakBit
                        if a != b { pairs.append(UInt64(min(a, b)) << 32 | UInt64(max(a, b))) }
                    }
                }
            }
            start = end
        }
        entries = []
        pairs.sort()
        var result: [(Int, Int)] = []
        result.reserveCapacity(pairs.count)
        var previous: UInt64?
        for pair in pairs where pair != previous {
            result.append((Int(pair >> 32), Int(pair & 0xFFFF_FFFF)))
            previous = pair
        }
        return result
    }

    /// True for the keys of ``weakPrefixes`` (compared on their first three bytes, without slicing).
    static func isWeak(_ key: String) -> Bool {
        var utf8 = key.utf8.makeIterator()
        guard let a = utf8.next(), let b = utf8.next(), let c = utf8.next() else { return false }
        return weakCodes.contains(UInt32(a) << 16 | UInt32(b) << 8 | UInt32(c))
    }

    static let weakCodes: Set<UInt32> = Set(weakPrefixes.map { prefix in
        prefix.utf8.reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
    })

    /// FNV-1a, 64 bits (Fowler, Noll, Vo): a stable hash, the same in every process.
    static func fnv1a(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in text.utf8 { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        return hash
    }
}
