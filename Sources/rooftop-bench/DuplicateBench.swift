import Foundation
import RooftopCRM
import RooftopGenerator
import RooftopModel
import RooftopReplication
import RooftopStore
import RooftopTesting

/// `scripts/bench N duplicates`: N generated customers (with their labelled duplicates and
/// households) written into a replica, then a full duplicate scan (as `rooftop duplicates scan`,
/// in-process) with its time per stage and the process's peak RSS, and the check a create runs
/// (``CRMService/duplicatesOf(_:excluding:)``) for 1,000 new records: p50 and p99.
/// `ROOFTOP_BENCH_DIR=DIR` keeps (and on a rerun reuses) the replica.
enum DuplicateBench {
    static func run(customers: Int) throws {
        let files = try BenchFiles("rooftop-bench-duplicates")
        defer { files.cleanup() }
        let replica = try files.generatedReplica("duplicates-\(customers).sqlite", customers: customers, label: "duplicates")
        let service = CRMService(replica: replica)
        // ROOFTOP_BENCH_ONLY=create: only the check on create (profiling it without a full scan).
        if ProcessInfo.processInfo.environment["ROOFTOP_BENCH_ONLY"] != "create" { try scan(service, customers: customers) }
        try checkOnCreate(service, replica: replica, customers: customers)
    }

    static func scan(_ service: CRMService, customers: Int) throws {
        var records: [MatchRecord] = []
        let load = seconds { records = (try? service.matchRecords()) ?? [] }
        var pairs: [(Int, Int)] = []
        let sorted = records.sorted { $0.id < $1.id }
        let blocking = seconds { pairs = Blocking.candidatePairs(sorted) }
        var model: MatchModel?
        let estimation = seconds { model = MatchModel.estimate(records: sorted, pairs: pairs) }
        // Blocking again and scoring every pair on all cores, with the model just estimated.
        var result: DuplicateDetector.Result?
        let detection = seconds { result = DuplicateDetector.detect(sorted, kept: model!.parameters) }
        print(String(format: "duplicate scan stages: load %d customers %.1f s, blocking %d candidate pairs %.1f s, estimation %.1f s, "
                     + "scoring on %d cores %.1f s (%d pairs ≥ review)", records.count, load, pairs.count, blocking, estimation,
                     ProcessInfo.processInfo.activeProcessorCount, detection - blocking, result?.pairs.count ?? 0))
        var report: DuplicateScanReport?
        let scan = seconds { report = try? service.scanDuplicates(refit: true) }
        print(String(format: "duplicate scan (as `rooftop duplicates scan --refit`, the model estimated): %d customers in %.1f s (target < 60 s): "
                     + "%d pairs queued, %d at auto-merge; peak RSS %d MB",
                     report?.customers ?? 0, scan, report?.queued ?? 0, report?.confident ?? 0, peakRSSMegabytes()))
        let again = seconds { report = try? service.scanDuplicates() }
        print(String(format: "duplicate scan again (as `rooftop duplicates scan`, the kept model): %.1f s", again))
    }

    static func checkOnCreate(_ service: CRMService, replica: Replica, customers: Int) throws {

        // The check on create, against the full replica.
        var probes: [CustomerInput] = []
        // Half are new people (records past the replica's), half customers typed again (every
        // N/500th record of the replica): the check's both outcomes.
        let step = max(1, customers / 500)
        var again = 0, fresh = 0
        for (index, record) in DealershipGenerator(count: customers + 3_000, seed: 1).enumerated() {
            if index < customers {
                guard index % step == 0, again < 500 else { continue }
                again += 1
            } else {
                guard fresh < 500 else { break }
                fresh += 1
            }
            var fields: [String: FieldValue] = ["contactType": .text(record.contactType)]
            fields["firstName"] = record.firstName.map(FieldValue.text)
            fields["lastName"] = record.lastName.map(FieldValue.text)
            fields["businessName"] = record.businessName.map(FieldValue.text)
            fields["email"] = record.email.flatMap(EmailAddress.normalise).map(FieldValue.text)
            fields["birthDate"] = record.birthDate.map(FieldValue.text)
            let phones = record.phone.flatMap { PhoneNumber.e164($0) }.map { [ChildInput(id: nil, fields: ["number": .text($0), "type": .text(record.phoneType)])] } ?? []
            let addresses = record.street.map { [ChildInput(id: nil, fields: ["street": .text($0), "city": record.city.map(FieldValue.text) ?? .null,
                                                                             "postalCode": record.postalCode.map(FieldValue.text) ?? .null])] } ?? []
            probes.append(CustomerInput(fields: fields, phones: phones, addresses: addresses))
        }
        let kept = try service.keptModelParameters() != nil
        let first = seconds { _ = try? service.duplicatesOf(probes[0]) }  // the model, once per process
        print(String(format: "duplicate check on create: the first check of a process %.2f s (the model: value frequencies from an even sample "
                     + "of 20,000 customers, %@)", first, kept ? "parameters kept by the last scan" : "no scan kept parameters: estimated on the sample"))
        var latencies: [Double] = []
        var confident = 0
        for probe in probes {
            let start = DispatchTime.now()
            if try service.duplicatesOf(probe).contains(where: \.isConfident) { confident += 1 }
            latencies.append(Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e6)
        }
        // The slowest checks, timed again: a probe that is slow twice is slow by what it looks up.
        let slowest = latencies.enumerated().sorted { $0.element > $1.element }.prefix(3)
        for (index, first) in slowest {
            let probe = probes[index]
            let start = DispatchTime.now()
            let matches = try service.duplicatesOf(probe)
            let again = Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e6
            let name = [probe.fields["firstName"]?.textValue, probe.fields["lastName"]?.textValue ?? probe.fields["businessName"]?.textValue]
                .compactMap { $0 }.joined(separator: " ")
            print(String(format: "  slow check: %.2f ms, again %.2f ms: %@ (%d matches)", first, again, name, matches.count))
        }
        latencies.sort()
        print(String(format: "duplicate check on create: %d new records, p50 %.2f ms, p99 %.2f ms (target p99 < 5 ms); %d would be refused as duplicates",
                     probes.count, latencies[latencies.count / 2], latencies[latencies.count * 99 / 100], confident))
        // Where the time goes: the name lookup (full-text, exact name words) with the namesakes'
        // birth dates and places in the same query (only those that could agree beyond the name are loaded whole).
        var nameTimes: [Double] = [], found: [Int] = []
        for probe in probes {
            let name = [probe.fields["firstName"]?.textValue, probe.fields["lastName"]?.textValue ?? probe.fields["businessName"]?.textValue]
                .compactMap { $0 }.joined(separator: " ")
            let start = DispatchTime.now()
            found.append(Set(try replica.snapshot { try $0.namesakesWithPlaces(nameWords: name, limit: 25) }.map(\.id)).count)
            nameTimes.append(Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e6)
        }
        // The lookups for a name typed differently: the same birth date, the same house number and postal code.
        var placeTimes: [Double] = [], rows: [Int] = []
        for probe in probes {
            let start = DispatchTime.now()
            var read = 0
            try replica.snapshot { tx in
                if let birthDate = probe.fields["birthDate"]?.textValue { read += try tx.customerNames(bornOn: birthDate, limit: 200).count }
                if let address = probe.addresses?.first, let street = address.fields["street"]?.textValue,
                   let postal = address.fields["postalCode"]?.textValue, let house = PostalAddress.houseNumber(street) {
                    read += try tx.customerNames(atPostalCodes: [postal], streetStartingWith: house + " ", limit: 200).count
                }
            }
            placeTimes.append(Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e6)
            rows.append(read)
        }
        nameTimes.sort(); placeTimes.sort()
        print(String(format: "  of which: name lookup with the birth dates and places of %.1f namesakes on average p50 %.2f ms p99 %.2f ms; "
                     + "birth date and house number lookups p50 %.2f ms p99 %.2f ms (%.1f names read on average, before the name filter)",
                     Double(found.reduce(0, +)) / Double(found.count), nameTimes[nameTimes.count / 2], nameTimes[nameTimes.count * 99 / 100],
                     placeTimes[placeTimes.count / 2], placeTimes[placeTimes.count * 99 / 100], Double(rows.reduce(0, +)) / Double(rows.count)))
    }

    /// This process's peak resident set (VmHWM), MB.
    static func peakRSSMegabytes() -> Int {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }) else { return 0 }
        return (Int(line.split(separator: " ").dropFirst().first ?? "0") ?? 0) / 1024
    }
}
