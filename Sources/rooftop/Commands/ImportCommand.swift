import ArgumentParser
import Foundation
import RooftopImport

struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "import", abstract: "Import leads and customer files.",
                                                    subcommands: [ADF.self, FEBRL.self])

    struct ADF: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "adf", abstract: "Import ADF 1.0 XML leads; each file all or nothing. Exits 1 if any file is rejected.")
        @OptionGroup var data: DataOptions
        @Argument(help: "ADF XML files.") var files: [String]

        func run() throws {
            let replica = try data.openReplica()
            var rejected = 0
            for file in files {
                let name = URL(fileURLWithPath: file).lastPathComponent
                do {
                    let report = try LeadImporter.importDocument(try readUserFile(file), into: replica)
                    print("\(name): \(report)")
                } catch let error as ADFError {
                    rejected += 1
                    FileHandle.standardError.write(Data("\(name): rejected, nothing imported: \(error)\n".utf8))
                } catch let error as CLIError {
                    rejected += 1
                    FileHandle.standardError.write(Data("\(error)\n".utf8))
                }
            }
            if rejected > 0 { throw CLIError("\(rejected) of \(files.count) file(s) rejected") }
        }
    }

    struct FEBRL: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "febrl", abstract: "Import a FEBRL person file (CSV) as customers.")
        @OptionGroup var data: DataOptions
        @Argument(help: "The CSV file.") var file: String

        func run() throws {
            guard let text = String(data: try readUserFile(file), encoding: .utf8) else {
                throw CLIError("\(file) is not UTF-8 text")
            }
            let report: ImportReport
            do { report = try FEBRLImporter.importFile(text, into: try data.openReplica()) } catch let error as FEBRLError {
                throw CLIError("\(file): rejected, nothing imported: \(error)")
            }
            print("\(URL(fileURLWithPath: file).lastPathComponent): \(report)")
            for reason in report.rejected { FileHandle.standardError.write(Data("  skipped \(reason)\n".utf8)) }
        }
    }
}
