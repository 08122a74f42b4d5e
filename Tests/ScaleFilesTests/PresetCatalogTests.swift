import Foundation
@testable import ScaleFiles
import Testing

@Suite struct PresetCatalogTests {
    /// A fresh directory under the system's temporary folder, removed by `cleanUp`.
    final class TempDirectory {
        let path: String

        init() throws {
            path = FileManager.default.temporaryDirectory.appendingPathComponent("scaletop-tests-\(UUID().uuidString)").path
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        }

        deinit { try? FileManager.default.removeItem(atPath: path) }

        /// Writes `text` to `name` (which may contain folders) and returns its path.
        @discardableResult
        func write(_ name: String, _ text: String) throws -> String {
            try write(name, Data(text.utf8))
        }

        @discardableResult
        func write(_ name: String, _ data: Data) throws -> String {
            let file = path + "/" + name
            try FileManager.default.createDirectory(
                atPath: (file as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try data.write(to: URL(fileURLWithPath: file))
            return file
        }
    }

    static let userPresetsFolder = "data/scaletop/presets/"

    @Test func shippedPresetsAreInCatalogueOrder() {
        let names = [
            "bench-network.yaml", "05v-vertical.yaml", "01-web-and-db.yaml", "00-single-server.yaml",
            "million.yaml", "05s-sharding.yaml", "05-scale-db.yaml", "1-odd.yaml",
        ]
        let catalog = PresetCatalog(environment: [:], shippedFiles: names.map { ($0, "") })
        #expect(
            catalog.shipped.map(\.name) == [
                "00-single-server", "01-web-and-db", "05-scale-db", "05s-sharding", "05v-vertical",
                "1-odd", "bench-network", "million",
            ])
    }

    @Test func userDirectoryFollowsXDG() {
        #expect(PresetCatalog(environment: ["XDG_DATA_HOME": "/x", "HOME": "/h"]).userDirectory == "/x/scaletop/presets")
        #expect(PresetCatalog(environment: ["HOME": "/h"]).userDirectory == "/h/.local/share/scaletop/presets")
        // The XDG spec says to ignore a relative path.
        #expect(
            PresetCatalog(environment: ["XDG_DATA_HOME": "rel", "HOME": "/h"]).searchPaths == ["/h/.local/share/scaletop/presets"]
        )
        #expect(PresetCatalog(environment: [:]).searchPaths == [])
    }

    @Test func resolvesShippedByStageNumberAndName() throws {
        let catalog = PresetCatalog(environment: [:])
        #expect(try catalog.resolve("00").name == "00-single-server")
        #expect(try catalog.resolve("00-single-server").name == "00-single-server")
        #expect(try catalog.resolve("bench-network").isShipped)
        #expect(try catalog.resolve("00").file == "00-single-server.yaml")
    }

    @Test func resolvesAStageVariantByItsNumberAndLetter() throws {
        let catalog = PresetCatalog(environment: [:])
        // Every shipped variant, as the README and the stage explanations name them.
        let variants = catalog.shipped.map(\.name.verbatim).filter { name in
            name.split(separator: "-").first.map { $0.count == 3 && PresetCatalog.isStageNumber(String($0)) } == true
        }
        #expect(!variants.isEmpty)
        for name in variants {
            let number = String(name.prefix(3))
            #expect(try catalog.resolve(number).name.verbatim == name)
            #expect(try catalog.load(number).name.verbatim == name)
        }
        // The plain number still names the stage, not its variants.
        #expect(try catalog.resolve("05").name == "05-cache")
        let lettered = PresetCatalog(
            environment: [:], shippedFiles: [("05-a.yaml", ""), ("05v-b.yaml", ""), ("05vv-c.yaml", "")])
        #expect(try lettered.resolve("05v").name == "05v-b")
        #expect(try lettered.resolve("05vv").name == "05vv-c")
        #expect(throws: PresetError.self) { try lettered.resolve("05x") }
        // A user preset named like a variant would fit both: saving gives it another name.
        let directory = try TempDirectory()
        let saving = PresetCatalog(environment: ["XDG_DATA_HOME": directory.path], shippedFiles: [("05v-b.yaml", basePreset)])
        #expect(try saving.save(try PresetDecoder.decode(basePreset, file: "t.yaml"), stem: "05v").hasSuffix("/05v-2.yaml"))
    }

    @Test func resolvesAPathFirst() throws {
        let directory = try TempDirectory()
        let path = try directory.write("00", basePreset)
        let source = try PresetCatalog(environment: [:]).resolve(path)
        #expect(source.origin == path)
        #expect(!source.isShipped)
        #expect(source.text == basePreset)
        #expect(source.file == path)
        #expect(try source.decode().name == "Test")
    }

    @Test func resolvesUserPresetsByName() throws {
        let directory = try TempDirectory()
        let path = try directory.write(Self.userPresetsFolder + "my-shop.yaml", basePreset)
        let catalog = PresetCatalog(environment: ["XDG_DATA_HOME": directory.path + "/data"])
        let source = try catalog.resolve("my-shop")
        #expect(source.name == "my-shop")
        #expect(source.origin == path)
        #expect(!source.isShipped)
        #expect(try source.decode().name == "Test")
    }

    @Test func ambiguousNamesListEveryMatch() throws {
        let directory = try TempDirectory()
        let user = try directory.write(Self.userPresetsFolder + "bench-network.yaml", basePreset)
        let catalog = PresetCatalog(environment: ["XDG_DATA_HOME": directory.path + "/data"])
        #expect(
            throws: PresetError(
                file: "bench-network",
                message:
                    "the name fits more than one preset: bench-network (shipped), bench-network (\(user)); give a full name or a path"
            )
        ) { try catalog.resolve("bench-network") }

        let twoStages = PresetCatalog(environment: [:], shippedFiles: [("05-a.yaml", ""), ("05-b.yaml", ""), ("05v-c.yaml", "")])
        #expect(
            throws: PresetError(
                file: "05",
                message: "the name fits more than one preset: 05-a (shipped), 05-b (shipped); give a full name or a path"
            )
        ) { try twoStages.resolve("05") }
    }

    @Test func unknownNamesListWhatIsAvailable() throws {
        let directory = try TempDirectory()
        try directory.write(Self.userPresetsFolder + "mine.yaml", basePreset)
        let catalog = PresetCatalog(
            environment: ["XDG_DATA_HOME": directory.path + "/data"], shippedFiles: [("00-a.yaml", ""), ("b.yaml", "")])
        #expect(
            throws: PresetError(
                file: "07",
                message:
                    "no such file, and no preset has that name; shipped presets: 00-a, b; user presets (\(directory.path)/data/scaletop/presets): mine"
            )
        ) { try catalog.resolve("07") }
    }

    @Test func listsShippedThenUserPresetsWithLoadErrors() throws {
        let directory = try TempDirectory()
        try directory.write(
            Self.userPresetsFolder + "good.yaml",
            basePreset.replacingOccurrences(of: "name: Test", with: "name: Good\ndescription: works"))
        try directory.write(Self.userPresetsFolder + "broken.yaml", basePreset(line: 10, "    workers: -3"))
        try directory.write(Self.userPresetsFolder + "notes.txt", "not a preset")
        let catalog = PresetCatalog(environment: ["XDG_DATA_HOME": directory.path + "/data"])
        let entries = catalog.list()
        #expect(entries.prefix(catalog.shipped.count).map(\.name) == catalog.shipped.map(\.name))
        #expect(entries.prefix(catalog.shipped.count).allSatisfy { $0.error == nil && $0.origin == "shipped" })
        let user = entries.dropFirst(catalog.shipped.count)
        #expect(user.map(\.name) == ["broken", "good"])
        let broken = try #require(user.first)
        #expect(broken.error?.line == 10)
        #expect(broken.error?.path == "nodes[0].workers")
        #expect(broken.error?.file == directory.path + "/" + Self.userPresetsFolder + "broken.yaml")
        #expect(broken.description == "")
        #expect(user.last?.title == "Good")
        #expect(user.last?.description == "works")
        #expect(entries.first { $0.name == "00-single-server" }?.title == "Single server")
    }

    @Test func followsSymbolicLinks() throws {
        let directory = try TempDirectory()
        let real = try directory.write("real.yaml", basePreset)
        let link = directory.path + "/link.yaml"
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: real)
        #expect(try PresetCatalog.read(file: link) == basePreset)
    }

    @Test func unreadableFilesNameTheFile() throws {
        let directory = try TempDirectory()
        let missing = directory.path + "/missing.yaml"
        #expect(throws: PresetError(file: missing, message: "no such file")) { try PresetCatalog.read(file: missing) }
        #expect(throws: PresetError(file: directory.path, message: "this is a directory, not a preset file")) {
            try PresetCatalog.read(file: directory.path)
        }
        let latin1 = try directory.write("latin1.yaml", Data("name: ok\ndescription: caf".utf8) + Data([0xE9, 0x0A]))
        #expect(throws: PresetError(file: latin1, line: 2, message: "the file is not UTF-8 text")) {
            try PresetCatalog.read(file: latin1)
        }
        let big = try directory.write("big.yaml", Data(repeating: 0x20, count: (1 << 20) + 1))
        #expect(throws: PresetError(file: big, message: "the file is 1048577 bytes, more than the limit of 1 MiB")) {
            try PresetCatalog.read(file: big)
        }
        #expect(
            throws: PresetError(
                file: "/dev/null", message: "this is a character device, not a preset file: it must be a regular file")
        ) {
            try PresetCatalog.read(file: "/dev/null")
        }
    }
}
