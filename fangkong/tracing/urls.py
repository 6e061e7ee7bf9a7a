from django.urls import path

from . import copresence_views
from .views import cases, chains, contacts, investigations, protocols

app_name = "tracing"
urlpatterns = [
    # Cases, investigations, contacts and the protocol (#14 items 1–4).
    path("cases/open/", cases.OpenCaseView.as_view(), name="case_open"),
    path("cases/<int:pk>/classify/", cases.ClassifyCase.as_view(), name="case_classify"),
    path("cases/<int:pk>/update/", cases.UpdateCase.as_view(), name="case_update"),
    path("investigations/<int:pk>/facts/", investigations.SaveFacts.as_view(), name="investigation_facts"),
    path("investigations/<int:pk>/segments/", investigations.AddSegment.as_view(), name="segment_add"),
    path("investigations/<int:pk>/contacts/", investigations.AddContact.as_view(), name="investigation_contact"),
    path("investigations/<int:pk>/publish/", investigations.PublishItinerary.as_view(), name="investigation_publish"),
    path("investigations/<int:pk>/report/", investigations.ReportView.as_view(), name="investigation_report"),
    path("investigations/<int:pk>/close/", investigations.CloseInvestigation.as_view(), name="investigation_close"),
    path("milestones/<int:pk>/complete/", investigations.CompleteMilestone.as_view(), name="milestone_complete"),
    path("segments/<int:pk>/delete/", investigations.DeleteSegment.as_view(), name="segment_delete"),
    path("contacts/import/", contacts.ContactImportView.as_view(), name="contact_import"),
    path("contacts/<int:pk>/upgrade/", contacts.UpgradeContact.as_view(), name="contact_upgrade"),
    path("protocols/<int:pk>/categories/", protocols.SaveCategory.as_view(), name="protocol_category"),
    path("protocols/<int:pk>/activate/", protocols.ActivateProtocol.as_view(), name="protocol_activate"),
    *cases.CasePages.urls("cases"),
    *cases.PositiveFindingPages.urls("positives"),
    *investigations.InvestigationPages.urls("investigations"),
    *contacts.ContactPages.urls("contacts"),
    *protocols.ProtocolVersionPages.urls("protocols"),
    # Transmission chains (传播链), #14 item 5.
    path("chains/", chains.ChainView.as_view(), name="chain"),
    path("chains/data/", chains.ChainDataView.as_view(), name="chain_data"),
    path("chains/freeze/", chains.FreezeChainView.as_view(), name="chain_freeze"),
    path("cases/<int:pk>/link/", chains.LinkSourceView.as_view(), name="case_link"),
    path("links/<int:pk>/unlink/", chains.UnlinkView.as_view(), name="edge_unlink"),
    path("clusters/<int:pk>/cases/", chains.ClusterCasesView.as_view(), name="cluster_cases"),
    *chains.TransmissionEdgePages.urls("links"),
    *chains.ClusterPages.urls("clusters"),
    *chains.ChainSnapshotPages.urls("chains/snapshots"),
    # Co-presence (时空伴随), #14 item 6.
    path("copresence/records/", copresence_views.RecordBatchListView.as_view(), name="copresence_batches"),
    path("copresence/records/import/", copresence_views.RecordImportView.as_view(), name="copresence_import"),
    path("copresence/runs/new/", copresence_views.RunNewView.as_view(), name="copresence_new"),
    *copresence_views.CoPresenceRunPages.urls("copresence/runs"),
    *copresence_views.CoPresenceMatchPages.urls("copresence/matches"),
]
