// Runs `roomschema check` with every `./gradlew check` (so in CI too, wherever it runs Gradle).
//
// In the module that holds the schemas (app/build.gradle.kts), after its plugins block:
//     apply(from = "roomschema.gradle.kts")      // this file, copied beside it
// or paste the two blocks below into that build file.
//
// roomschema must be on PATH where Gradle runs (README, "Add it to an Android project").
// It runs in the module's folder: every database and variant folder under it is checked, and
// roomschema.toml is found upwards from there. A finding fails the build with roomschema's output.

tasks.register<Exec>("roomschemaCheck") {
    group = "verification"
    description = "Room schema migration checklist: roomschema check"
    commandLine("roomschema", "check")
}

tasks.named("check") {
    dependsOn("roomschemaCheck")
}
