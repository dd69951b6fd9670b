package chatapi;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The layout's rules, over the compiled main classes: dependencies run one way, from the features (chat,
 * agents, widget) and the wiring (the root package) to the infrastructure (http, db, config, ops, auth), and
 * no packages depend on each other in a cycle.
 */
@DisplayName("Architecture: no package cycles; infrastructure knows no feature")
class ArchitectureTest {

    static final String[] INFRASTRUCTURE = {"chatapi.http..", "chatapi.db..", "chatapi.config..", "chatapi.ops..",
        "chatapi.auth.."};
    static final String[] FEATURES = {"chatapi.chat..", "chatapi.agents..", "chatapi.widget.."};

    private static final JavaClasses MAIN = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("chatapi");

    @Test
    @DisplayName("the packages under chatapi depend on each other without cycles")
    void noCycles() {
        slices().matching("chatapi.(*)..").should().beFreeOfCycles().check(MAIN);
    }

    @Test
    @DisplayName("http, db, config, ops and auth import nothing of chat, agents or widget (nor the wiring)")
    void infrastructureKnowsNoFeature() {
        noClasses().that().resideInAnyPackage(INFRASTRUCTURE)
                .should().dependOnClassesThat().resideInAnyPackage(FEATURES)
                .orShould().dependOnClassesThat().resideInAPackage("chatapi")
                .check(MAIN);
    }
}
