package chatapi;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The layout's rules, over the compiled main classes: dependencies run one way, from the wiring (the root package)
 * and the features (longpoll, message, session, carrier, agents, widget) to the infrastructure (http, db, config,
 * ops, auth), and among the features in one direction; no packages depend on each other in a cycle.
 */
@DisplayName("Architecture: no package cycles; infrastructure knows no feature")
class ArchitectureTest {

    static final String[] INFRASTRUCTURE = {"chatapi.http..", "chatapi.db..", "chatapi.config..", "chatapi.ops..",
        "chatapi.auth.."};
    static final String[] FEATURES = {"chatapi.longpoll..", "chatapi.message..", "chatapi.session..", "chatapi.carrier..",
            "chatapi.topic..",
        "chatapi.agents..", "chatapi.widget.."};

    private static final JavaClasses MAIN = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("chatapi");

    @Test
    @DisplayName("the packages under chatapi depend on each other without cycles")
    void noCycles() {
        slices().matching("chatapi.(*)..").should().beFreeOfCycles().check(MAIN);
    }

    @Test
    @DisplayName("http, db, config, ops and auth import no feature (nor the wiring)")
    void infrastructureKnowsNoFeature() {
        noClasses().that().resideInAnyPackage(INFRASTRUCTURE)
                .should().dependOnClassesThat().resideInAnyPackage(FEATURES)
                .orShould().dependOnClassesThat().resideInAPackage("chatapi")
                .check(MAIN);
    }

    @Test
    @DisplayName("the features depend on each other one way: message on none, session on message and carrier, longpoll on message and session, topic on carrier")
    void featuresOneWay() {
        noClasses().that().resideInAPackage("chatapi.message..")
                .should().dependOnClassesThat().resideInAnyPackage(featuresBut("chatapi.message..")).check(MAIN);
        noClasses().that().resideInAPackage("chatapi.carrier..")
                .should().dependOnClassesThat().resideInAnyPackage(featuresBut("chatapi.carrier..")).check(MAIN);
        noClasses().that().resideInAPackage("chatapi.longpoll..")
                .should().dependOnClassesThat().resideInAnyPackage(featuresBut("chatapi.longpoll..", "chatapi.message..", "chatapi.session.."))
                .check(MAIN);
        noClasses().that().resideInAPackage("chatapi.topic..")
                .should().dependOnClassesThat().resideInAnyPackage(featuresBut("chatapi.topic..", "chatapi.carrier.."))
                .check(MAIN);
        noClasses().that().resideInAPackage("chatapi.session..")
                .should().dependOnClassesThat()
                .resideInAnyPackage(featuresBut("chatapi.session..", "chatapi.message..", "chatapi.carrier.."))
                .check(MAIN);
    }

    private static String[] featuresBut(String... allowed) {
        return java.util.Arrays.stream(FEATURES).filter(f -> !java.util.List.of(allowed).contains(f)).toArray(String[]::new);
    }
}
