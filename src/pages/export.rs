//! "Récapitulatif" (the whole convention, laid out for printing) and "Export et import" (the
//! State's file formats, and import of such a file into a new draft).

use std::rc::Rc;

use cus_core::catalogue::Catalogue;
use cus_core::convention::Convention;
use cus_core::diagnostic::Diagnostic;
use yew::prelude::*;

use crate::drafts;
use crate::route::FillStep;

#[derive(Properties, PartialEq)]
pub struct ExportProps {
    pub step: FillStep,
    pub catalogue: Rc<Catalogue>,
    pub draft: Rc<Convention>,
    pub diags: Rc<Vec<Diagnostic>>,
    pub open: Callback<drafts::Opened>,
}

#[function_component(ExportStep)]
pub fn export_step(props: &ExportProps) -> Html {
    let _ = (&props.catalogue, &props.draft, &props.diags, &props.open);
    html! { <p class="aide">{ props.step.label_fr() }</p> }
}
