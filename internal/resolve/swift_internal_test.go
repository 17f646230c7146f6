package resolve

import (
	"reflect"
	"testing"
)

// TestParsePackageSwift: targets with and without path:, test targets
// under Tests/, and .target(name:) references among dependencies are not
// declarations.
func TestParsePackageSwift(t *testing.T) {
	src := `let package = Package(
    name: "Shop",
    products: [.library(name: "Shop", targets: ["Core"])],
    targets: [
        .target(name: "Core", path: "Source"),
        .executableTarget(
            name: "cli",
            dependencies: [.target(name: "Core"), .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        .testTarget(name: "CoreTests", dependencies: ["Core"], resources: [.copy("Fixtures (1)")]),
    ]
)`
	got := parsePackageSwift("pkg", []byte(src))
	want := []swiftTarget{{"Core", "pkg/Source"}, {"cli", "pkg/Sources/cli"}, {"CoreTests", "pkg/Tests/CoreTests"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
}
