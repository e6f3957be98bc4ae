import Foundation

extension MatchModel {
    /// Estimates a model from a replica's records and their candidate pairs (deterministic: the same
    /// records give the same model).
    /// - Parameters:
    ///   - records: the population (all visible customers, or a sample of them).
    ///   - population: how many customers the records stand for (≥ `records.count`; larger when sampled).
    ///   - pairs: the candidate pairs from ``Blocking``; m and the prior are estimated on them.
    ///   - kept: parameters an earlier estimate kept (``Parameters/fits(population:)``): used as they
    ///     are, only the value frequencies are taken afresh (no sampling, no EM).
    public static func estimate(records: [MatchRecord], population: Int? = nil, pairs: [(Int, Int)], kept: Parameters? = nil) -> MatchModel {
        var frequencies = FrequencyTable(records)
        // A replica with few customers says little about how common a name or a birth date is: its
        // value frequencies are read as if from at least `minimumPopulation` customers.
        frequencies.population = max(population ?? records.count, records.count)
        if let kept { return MatchModel(kept: kept, frequencies: frequencies) }
        var model = MatchModel(m: priorM, u: sampledU(records), frequencies: frequencies,
                               priorMatch: defaultDuplicateShare / Double(max(frequencies.population, minimumPopulation)))
        // Below a thousand customers there are too few duplicates to estimate from: reasoned m and prior.
        if records.count >= 1_000 { model.runEM(records: records, pairs: pairs) }
        return model
    }

    /// The estimated parameters of a model, kept between scans so that one merge or one new customer
    /// does not move every other pair's score (`sync-protocol/duplicate-detection.md#scores`).
    public struct Parameters: Codable, Sendable, Equatable {
        /// ``MatchModel/m``: P(level | same person), 0...1.
        public var m: [MatchField: [MatchLevel: Double]]
        /// ``MatchModel/u`` from random pairs: P(level | different people), 0...1.
        public var u: [MatchField: [MatchLevel: Double]]
        /// P(a random pair is one person) at ``population``.
        public var priorMatch: Double
        /// The customers the parameters were estimated on.
        public var population: Int
        /// ``MatchModel/householdSurnameU`` and ``MatchModel/householdPhoneU``, 0...1.
        public var householdSurnameU: Double
        public var householdPhoneU: Double

        /// True while the customer count stays within 10% of the estimate's (and at least 100 apart):
        /// beyond that the population has changed enough to estimate again.
        public func fits(population count: Int) -> Bool {
            abs(count - population) * 10 <= max(population, 1_000)
        }
    }

    /// This model's estimated parameters.
    public var parameters: Parameters {
        Parameters(m: m, u: u, priorMatch: priorMatch, population: frequencies.population,
                   householdSurnameU: householdSurnameU, householdPhoneU: householdPhoneU)
    }

    /// A model from kept parameters and fresh value frequencies; the prior scales as 1/N (duplicate
    /// pairs grow with N, all pairs with N²).
    init(kept: Parameters, frequencies: FrequencyTable) {
        let scaled = kept.priorMatch * Double(max(kept.population, 1)) / Double(max(frequencies.population, 1))
        self.init(m: kept.m, u: kept.u, frequencies: frequencies, priorMatch: min(max(scaled, 1e-12), 0.5))
        householdSurnameU = kept.householdSurnameU
        householdPhoneU = kept.householdPhoneU
    }

    /// The population size value frequencies are read at, at least (a new rooftop's first customers).
    static let minimumPopulation = 5_000
    /// The prior before estimation: P(a random pair is one person) = this / N, i.e. about one
    /// customer in eight entered twice (N × 0.125 duplicate pairs of N²/2).
    static let defaultDuplicateShare = 0.25

    /// u of each non-exact level before data: the rates measured on random pairs of 20,000 generated
    /// customers (a Dirichlet prior worth 1,000 random pairs; Laplace-like smoothing for small replicas).
    static let defaultU: [MatchField: [MatchLevel: Double]] = [
        .givenName: [.exact: 0.012, .alias: 0.001, .close: 0.004, .initial: 0.0001, .different: 0.983],
        .surname: [.exact: 0.013, .close: 0.0015, .different: 0.9855],
        .birthDate: [.exact: 0.0001, .close: 0.0012, .different: 0.9987],
        .email: [.exact: 0.0001, .close: 0.0001, .different: 0.9998],
        .phone: [.exact: 0.0001, .partial: 0.0001, .different: 0.9998],
        .address: [.exact: 0.0001, .close: 0.0035, .partial: 0.049, .different: 0.9474],
        .vin: [.exact: 0.0001, .different: 0.9999],
    ]

    /// u for every level from random pairs of records (most of them different people).
    static func sampledU(_ records: [MatchRecord], samples: Int = 100_000) -> [MatchField: [MatchLevel: Double]] {
        var counts: [MatchField: [MatchLevel: Int]] = [:]
        var totals: [MatchField: Int] = [:]
        let n = records.count
        guard n >= 2 else { return defaultU }
        var random = SplitMix(seed: 0x5EED_D0B1)
        let wanted = min(samples, n * (n - 1) / 2)
        for _ in 0..<wanted {
            let i = Int(random.next() % UInt64(n))
            var j = Int(random.next() % UInt64(n - 1))
            if j >= i { j += 1 }
            for (field, level) in compare(records[i], records[j]) where level != .missing {
                counts[field, default: [:]][level, default: 0] += 1
                totals[field, default: 0] += 1
            }
        }
        var u: [MatchField: [MatchLevel: Double]] = [:]
        for field in MatchField.allCases {
            let total = Double(totals[field] ?? 0)
            for level in levels[field] ?? [] {
                // Smoothed towards defaultU: a level never seen in a small sample is rare, not impossible.
                let prior = defaultU[field]?[level] ?? 0.001
                u[field, default: [:]][level] = (Double(counts[field]?[level] ?? 0) + 1_000 * prior) / (total + 1_000)
            }
        }
        return u
    }

    /// Estimates the prior, the household u and m from the candidate pairs, u of the population fixed.
    ///
    /// Each round: (1) EM (Dempster, Laird & Rubin 1977) over the pairs for the share of matches and
    /// the household u, m held; (2) each field's m from the level it shows in the pairs the *other*
    /// fields already call one person (posterior ≥ 0.99 without that field), kept near ``priorM`` by
    /// a Dirichlet prior worth `strength` pairs. Plain EM on all of m lets its "match" class drift
    /// onto namesakes (pairs agreeing on a common name and nothing else); estimating a field only
    /// from pairs identified without it avoids that (the idea of Splink's per-blocking-rule m
    /// estimation). At most 200,000 pairs (an even stride through them) take part, and only pairs
    /// the reasoned model scores ≥ 0 (the rest are plainly different people).
    mutating func runEM(records: [MatchRecord], pairs: [(Int, Int)], rounds: Int = 4, iterations: Int = 15, strength: Double = 20) {
        guard !pairs.isEmpty else { return }
        let stride = max(1, pairs.count / 200_000)
        let fields = MatchField.allCases
        let surnameIndex = fields.firstIndex(of: .surname)!, phoneIndex = fields.firstIndex(of: .phone)!
        var vectors: [[MatchLevel]] = []
        var logU: [[Double]] = []  // per field, population u (0 where missing)
        var households: [Bool] = []
        var surnameAgree = 0.0, surnameSeen = 0.0, phoneAgree = 0.0, phoneSeen = 0.0
        for k in Swift.stride(from: 0, to: pairs.count, by: stride) {
            let (a, b) = (records[pairs[k].0], records[pairs[k].1])
            let levels = Self.compare(a, b)
            // Household u, directly: among pairs at one address (or with a shared home phone) whose
            // first names plainly differ and whose birth dates do not agree, nearly all are different
            // people; the share of them with one surname (one phone) is the u of that agreement there.
            // (EM on these two would trade them against the prior: with every duplicate at its own
            // address it can call all of them households.)
            if Self.isHousehold(levels), levels[.givenName] == .different, levels[.birthDate] != .exact, levels[.birthDate] != .close {
                if let l = levels[.surname], l != .missing {
                    surnameSeen += 1
                    if l == .exact { surnameAgree += 1 }
                }
                if let l = levels[.phone], l != .missing {
                    phoneSeen += 1
                    if l == .exact || l == .partial { phoneAgree += 1 }
                }
            }
            guard score(a, b).weight >= 0 else { continue }
            vectors.append(fields.map { levels[$0] ?? .missing })
            households.append(Self.isHousehold(levels))
            logU.append(fields.map { f in
                let l = levels[f] ?? .missing
                return l == .missing ? 0 : log(uValue(f, l, a, b, household: false))
            })
        }
        // A weak prior (one pair at 0.1): without different people at one address, a shared surname
        // there stays strong evidence.
        householdSurnameU = min(max((surnameAgree + 0.1) / (surnameSeen + 1), 0.001), 0.99)
        householdPhoneU = min(max((phoneAgree + 0.1) / (phoneSeen + 1), 0.001), 0.99)
        guard !vectors.isEmpty else { return }
        // The prior is over all pairs, as in scoring (weights use population u): a prior taken over
        // the candidates would count blocking's agreement twice. Over all pairs of the *records*: a
        // sample of n of N customers holds about (n/N)² of the population's duplicate pairs and
        // n²/2 pairs in all, so matches per pair of the sample estimate those of the population
        // (dividing by the population's N²/2 would shrink the prior by (n/N)²: 2,500× for 20,000 of
        // a million).
        let n = Double(max(records.count, 2))
        let allPairs = n * (n - 1) / 2
        // Never below a tenth of the default share: a replica whose duplicates were merged (or kept
        // out by the check on import) holds almost none, EM then drives the prior to nothing, and
        // the check on create, which scores records typed *again*, would pass exact copies.
        let minimumPrior = 0.1 * Self.defaultDuplicateShare / Double(max(frequencies.population, Self.minimumPopulation))
        var prior = min(Double(vectors.count * stride) * 0.1 / allPairs, 0.5)
        // Per-field log m/u of pair k under the current model.
        func weights(_ k: Int) -> [Double] {
            let v = vectors[k]
            return fields.indices.map { i in
                let l = v[i]
                guard l != .missing else { return 0 }
                var lu = logU[k][i]
                if households[k] {
                    if i == surnameIndex && l == .exact { lu = log(householdSurnameU) }
                    if i == phoneIndex && (l == .exact || l == .partial) { lu = log(householdPhoneU) }
                }
                return log(max(m[fields[i]]?[l] ?? 0.001, 0.001)) - lu
            }
        }
        for _ in 0..<rounds {
            // m is fixed within a round: each pair's field weights once, then EM on the prior alone.
            let pairWeights = vectors.indices.map(weights)
            let totals = pairWeights.map { $0.reduce(0, +) }
            for _ in 0..<iterations {
                var gTotal = 0.0
                for total in totals { gTotal += 1 / (1 + exp(-total) * (1 - prior) / prior) }
                prior = min(max(gTotal * Double(stride) / allPairs, minimumPrior), 0.5)
            }
            var counts = [[MatchLevel: Double]](repeating: [:], count: fields.count)
            let priorLogit = log(prior / (1 - prior)), confident = log(99.0)
            for k in vectors.indices {
                let w = pairWeights[k]
                let total = priorLogit + w.reduce(0, +)
                for i in fields.indices where vectors[k][i] != .missing && total - w[i] >= confident {
                    counts[i][vectors[k][i], default: 0] += 1
                }
            }
            for (i, f) in fields.enumerated() {
                let seen = counts[i].values.reduce(0, +)
                var updated: [MatchLevel: Double] = [:]
                for (level, prior) in Self.priorM[f] ?? [:] {
                    updated[level] = ((counts[i][level] ?? 0) + strength * prior) / (seen + strength)
                }
                m[f] = updated
            }
        }
        priorMatch = prior
    }
}

/// SplitMix64 (Steele, Lea & Flood, "Fast splittable pseudorandom number generators", OOPSLA 2014):
/// the deterministic sampler of u estimation.
struct SplitMix {
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
