/// How often each key value occurs among the records of a replica: the frequency-based u of an
/// exact agreement (Winkler, "Using the EM algorithm for weight computation in the Fellegi–Sunter
/// model of record linkage", 1988): given one record holds the value, the chance that another,
/// different person's record holds it too.
public struct FrequencyTable: Sendable {
    /// Records counted.
    public private(set) var count = 0
    private var givens: [String: Int] = [:]
    private var surnames: [String: Int] = [:]
    private var birthDates: [String: Int] = [:]
    private var emails: [String: Int] = [:]
    private var phones: [String: Int] = [:]
    private var streets: [String: Int] = [:]
    private var vins: [String: Int] = [:]
    /// Records in the population the counted records were sampled from (≥ ``count``).
    public var population = 0

    public init() {}

    /// Counts `records`.
    public init(_ records: [MatchRecord]) {
        for record in records { add(record) }
        population = count
    }

    /// Counts one record.
    public mutating func add(_ r: MatchRecord) {
        count += 1
        if let v = r.given { givens[v, default: 0] += 1 }
        if let v = r.surname { surnames[v, default: 0] += 1 }
        if let v = r.birthDate { birthDates[v, default: 0] += 1 }
        if let v = r.email { emails[v, default: 0] += 1 }
        for v in r.personalPhones { phones[v, default: 0] += 1 }
        if let v = r.street { streets[v, default: 0] += 1 }
        for v in r.vins { vins[v, default: 0] += 1 }
    }

    private func share(_ table: [String: Int], _ value: String) -> Double {
        // A replica with few customers says little about how rare a value is: read as if from at
        // least 5,000 customers (MatchModel.minimumPopulation).
        let n = max(count, MatchModel.minimumPopulation)
        // The pair's own two records are not evidence of how common the value is.
        let others = max((table[value] ?? 0) - 1, 0)
        let sampled = Double(others) / Double(n)
        return max(sampled, 1 / Double(max(population, count, MatchModel.minimumPopulation)))
    }

    func given(_ v: String) -> Double { share(givens, v) }
    func surname(_ v: String) -> Double { share(surnames, v) }
    func birthDate(_ v: String) -> Double { share(birthDates, v) }
    func email(_ v: String) -> Double { share(emails, v) }
    func phone(_ v: String) -> Double { share(phones, v) }
    func street(_ v: String) -> Double { share(streets, v) }
    func vin(_ v: String) -> Double { share(vins, v) }
}
